import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion with posix_spawn, its output going to a file.
///
/// Not Foundation's `Process`: its exit monitoring can miss a child whose own child (a database
/// server) lives on, which hung the tests. Not from async code: waiting would hold one of Swift concurrency's threads.
@available(*, noasync, message: "waiting holds one of Swift concurrency's few threads: use spawnAndWaitOffPool")
public func spawnAndWait(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let log = FileManager.default.temporaryDirectory.appending(path: "switchboard-spawn-\(UUID().uuidString).log").path
    defer { unlink(log) }
    let process = try BackgroundProcess(arguments, environment: [:], logPath: log)
    let status = process.wait()
    return (status, process.output)
}

/// A program could not be started.
public struct SpawnError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

/// A program started in the background, its output going to a file; `kill()` ends it with SIGKILL.
public final class BackgroundProcess: Sendable {
    public let pid: pid_t
    public let logPath: String

    /// Starts `arguments[0]` with the current environment plus `environment`.
    public init(_ arguments: [String], environment: [String: String], logPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw SpawnError(description: "cannot run \(arguments[0]): \(String(cString: strerror(spawned)))") }
        self.pid = pid
        self.logPath = logPath
    }

    /// Sends a signal and waits for the process to end.
    public func stop(signal: Int32 = SIGKILL) {
        kill(pid, signal)
        _ = wait()
    }

    /// Waits for the process to end; returns its exit code (128 + the signal when a signal ended it).
    @discardableResult
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// What it printed so far.
    public var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// `spawnAndWait` on a thread of its own: waiting for a process must never hold one of the few threads Swift
/// concurrency runs every test on (two on a 2-core machine), or unrelated tests stall meanwhile.
public func spawnAndWaitOffPool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try spawnAndWait(arguments) }) }
    }
}

extension BackgroundProcess {
    /// Runs `body`, then stops the process (off the pool) however `body` ended.
    public func stopping<R>(signal: Int32 = SIGKILL, after body: () async throws -> R) async throws -> R {
        do {
            let result = try await body()
            await stopOffPool(signal: signal)
            return result
        } catch {
            await stopOffPool(signal: signal)
            throw error
        }
    }

    /// `stop(signal:)` on a thread of its own (a graceful stop can take seconds): see `spawnAndWaitOffPool`.
    public func stopOffPool(signal: Int32 = SIGKILL) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                self.stop(signal: signal)
                continuation.resume()
            }
        }
    }
}
