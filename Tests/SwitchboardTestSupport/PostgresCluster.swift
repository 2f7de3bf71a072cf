import Foundation

/// A throwaway PostgreSQL cluster in a temporary directory, started once per test process.
///
/// PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to the
/// `postgres` user (created by Debian's package) or `nobody`. `SWITCHBOARD_TEST_POSTGRES_URL`
/// points the tests at an existing server instead.
public actor PostgresCluster {
    /// The cluster of this test process.
    public static let shared = PostgresCluster()

    /// The cluster's start, made once: its URL, or why it could not start.
    private var starting: Task<String, any Error>?

    /// Why a cluster could not be had.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// A URL to a new, empty database of its own.
    public func makeDatabase() async throws -> String {
        let base = try await start()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await Self.run(Self.binary("psql"), ["\(base)/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name)"])
        return "\(base)/\(name)"
    }

    private func start() async throws -> String {
        if let starting { return try await starting.value }
        let task = Task { try await Self.launch() }
        starting = task
        return try await task.value
    }

    private static func launch() async throws -> String {
        if let url = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES_URL"] {
            return url.split(separator: "/").dropLast().joined(separator: "/")
        }
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-pg-\(UUID().uuidString.prefix(8))")
        let data = directory.appending(path: "data").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let owner = getuid() == 0 ? Self.unprivilegedUser() : nil
        if let owner { try await run("/bin/chown", ["-R", owner, directory.path]) }
        let asOwner: (String, [String]) async throws -> Void = { tool, arguments in
            if let owner {
                try await run("/usr/sbin/runuser", ["-u", owner, "--", tool] + arguments)
            } else {
                try await run(tool, arguments)
            }
        }
        try await asOwner(binary("initdb"), ["-D", data, "-U", "switchboard", "--auth=trust", "--locale=C", "-E", "UTF8", "--no-sync"])
        // A port another server takes meanwhile makes the start fail at once ("Address already in use"): another is tried.
        var failure: (any Error)?
        for _ in 0..<5 {
            let port = TestPorts.unused()
            let options =
                "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
            do {
                try await asOwner(
                    binary("pg_ctl"),
                    ["-D", data, "-o", options, "-l", directory.appending(path: "server.log").path, "-w", "-t", "60", "start"]
                )
            } catch {
                failure = error
                continue
            }
            PostgresClusterCleanup.register(pgCtl: binary("pg_ctl"), directory: directory.path, dataDirectory: data, owner: owner)
            return "postgres://switchboard@127.0.0.1:\(port)"
        }
        throw failure ?? Unavailable(description: "PostgreSQL did not start")
    }

    /// The newest installed PostgreSQL's tool (Debian keeps server binaries off the PATH).
    static func binary(_ name: String) -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        if let newest = versions.last { return "\(root)/\(newest)/bin/\(name)" }
        return "/usr/bin/\(name)"
    }

    private static func unprivilegedUser() -> String {
        getpwnam("postgres") != nil ? "postgres" : "nobody"
    }

    /// Runs a PostgreSQL tool off Swift concurrency's threads (initdb and a start take seconds).
    private static func run(_ tool: String, _ arguments: [String]) async throws {
        let result: (status: Int32, output: String)
        do {
            result = try await spawnAndWaitOffPool([tool] + arguments)
        } catch {
            throw Unavailable(description: "\(error) — is PostgreSQL installed?")
        }
        guard result.status == 0 else {
            throw Unavailable(description: "\(tool) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.output)")
        }
    }
}

/// Stops the cluster when the test process exits and deletes its directory, so that a test run leaves no server
/// behind and no files (each cluster takes ~430 MB: left in place, they filled a machine's disk).
enum PostgresClusterCleanup {
    nonisolated(unsafe) private static var command: [String] = []
    nonisolated(unsafe) private static var directory = ""

    static func register(pgCtl: String, directory: String, dataDirectory: String, owner: String?) {
        let stop = [pgCtl, "-D", dataDirectory, "-m", "immediate", "-w", "stop"]
        command = owner.map { ["/usr/sbin/runuser", "-u", $0, "--"] + stop } ?? stop
        self.directory = directory
        atexit {
            _ = try? spawnAndWait(PostgresClusterCleanup.command)
            try? FileManager.default.removeItem(atPath: PostgresClusterCleanup.directory)
        }
    }
}
