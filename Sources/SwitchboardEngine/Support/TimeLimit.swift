import Synchronization

/// What an operation given a time limit came to.
public enum TimeLimited<T: Sendable>: Sendable {
    case finished(T)
    case timedOut
}

/// Runs `operation` for at most `limit`. At the limit it is cancelled and left to end on its own: the caller goes on
/// at once, even when what the operation waits for ignores cancellation (an OAuth refresh shared with other callers,
/// which must not be cut short once sent).
public func withTimeLimit<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> TimeLimited<T> {
    let outcome = OneShot<TimeLimited<T>>()
    let work = Task { try await operation() }
    let timer = Task {
        try? await Task.sleep(for: limit)
        if !Task.isCancelled, outcome.resolve(.success(.timedOut)) { work.cancel() }
    }
    Task {
        let result = await work.result
        timer.cancel()
        outcome.resolve(result.map(TimeLimited.finished))
    }
    return try await withTaskCancellationHandler {
        try await outcome.value()
    } onCancel: {
        work.cancel()
        timer.cancel()
        outcome.resolve(.failure(CancellationError()))
    }
}

/// A value set once, by whichever comes first, and awaited by one caller.
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiter: CheckedContinuation<Value, any Error>?
    }

    private let state = Mutex(State())

    /// Sets the value unless it was set already; whether it was set now.
    @discardableResult
    func resolve(_ result: Result<Value, any Error>) -> Bool {
        let waiter: CheckedContinuation<Value, any Error>?? = state.withLock { state in
            guard state.result == nil else { return .none }
            state.result = result
            defer { state.waiter = nil }
            return .some(state.waiter)
        }
        guard let waiter else { return false }
        waiter?.resume(with: result)
        return true
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state in
                if state.result == nil { state.waiter = continuation }
                return state.result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
