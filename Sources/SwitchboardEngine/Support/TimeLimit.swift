/// `operation`'s result, or nil when it has not finished within `limit`; it is then cancelled (and awaited, so it must
/// honour cancellation, as HTTP calls and sleeps do).
public func result<T: Sendable>(within limit: Duration, of operation: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
