import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A local HTTP sink: nginx (Debian's nginx-light) answering 200 to every POST, started for the run.
final class NginxSink {
    let port: Int
    let directory: URL
    private let pid: pid_t

    var url: String { url(host: 1) }

    /// The sink on loopback address 127.0.0.`host` (1…16): integrations get hosts of their own, as in production,
    /// so that each has its own connection pool.
    func url(host: Int) -> String { Self.url(host: host, port: port) }

    static func url(host: Int, port: Int) -> String { "http://127.0.0.\(host):\(port)/sink" }

    /// Starts nginx on a free port: a random one below Linux's ephemeral range (where a port may still be held
    /// by a closed connection), tried again with another when nginx cannot listen on it.
    static func start(workers: Int) throws -> NginxSink {
        for _ in 0..<5 {
            let sink = try NginxSink(workers: workers, port: Int.random(in: 10_000...19_999))
            if sink.accepting(within: .seconds(3)) { return sink }
            sink.stop()
        }
        throw BenchError("nginx did not start listening on any of 5 random ports")
    }

    /// Whether a TCP connection to the sink succeeds within `limit`.
    private func accepting(within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(socket)
            if connected == 0 { return true }
            usleep(50_000)
        }
        return false
    }

    private init(workers: Int, port: Int) throws {
        guard let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw BenchError("nginx is missing: apt-get install nginx-light")
        }
        self.port = port
        directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-bench-nginx-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let listens = (1...16).map { [port] in "listen 127.0.0.\($0):\(port);" }.joined(separator: " ")
        let configuration = """
            worker_processes \(workers);
            daemon off;
            pid \(directory.path)/nginx.pid;
            error_log \(directory.path)/error.log warn;
            events { worker_connections 8192; }
            http {
                access_log off;
                client_body_temp_path \(directory.path)/body;
                proxy_temp_path \(directory.path)/proxy;
                fastcgi_temp_path \(directory.path)/fastcgi;
                uwsgi_temp_path \(directory.path)/uwsgi;
                scgi_temp_path \(directory.path)/scgi;
                keepalive_requests 1000000;
                client_body_buffer_size 64k;
                server {
                    \(listens)
                    location / { return 200 "ok"; }
                }
            }
            """
        let file = directory.appending(path: "nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments: [String] = [nginx, "-c", file.path, "-p", directory.path]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, nginx, &actions, nil, argv, environ) == 0 else { throw BenchError("cannot start nginx") }
        self.pid = pid
    }

    func stop() {
        kill(pid, SIGQUIT)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs wrk against the sink: the machine's ceiling for POSTs of the same size.
enum Wrk {
    static func postsPerSecond(url: String, bodyBytes: Int, connections: Int, seconds: Int) throws -> Double? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else { return nil }
        let script = FileManager.default.temporaryDirectory.appending(path: "switchboard-bench-\(UUID().uuidString.prefix(8)).lua")
        try """
        wrk.method = "POST"
        wrk.body = string.rep("x", \(bodyBytes))
        wrk.headers["Content-Type"] = "application/json"
        """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let output = try run(["/usr/bin/wrk", "-t2", "-c\(connections)", "-d\(seconds)s", "-s", script.path, url])
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }) else { return nil }
        return Double(line.split(separator: " ").last.map(String.init) ?? "")
    }

    static func run(_ arguments: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appending(path: "switchboard-bench-\(UUID().uuidString).log").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { throw BenchError("cannot run \(arguments[0])") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        defer { try? FileManager.default.removeItem(atPath: log) }
        return (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
