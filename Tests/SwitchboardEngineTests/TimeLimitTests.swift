import SwitchboardEngine
import Testing

@Suite("A wait with a time limit")
struct TimeLimitTests {
    @Test("an operation within the limit gives its value; its error is thrown")
    func finishes() async throws {
        guard case .finished(let value) = try await withTimeLimit(.seconds(30), { 42 }) else {
            Issue.record("timed out")
            return
        }
        #expect(value == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await withTimeLimit(.seconds(30)) { () async throws -> Int in throw Refused() } }
    }

    @Test("at the limit the caller goes on, even when the operation waits for something that ignores cancellation")
    func leavesAnUncancellableWaitBehind() async throws {
        // A shared task the operation waits for: cancelling the waiter does not end it.
        let shared = Task<Int, Never> {
            try? await Task.sleep(for: .seconds(30))
            return 1
        }
        let started = ContinuousClock.now
        let outcome = try await withTimeLimit(.milliseconds(200)) { await shared.value }
        guard case .timedOut = outcome else {
            Issue.record("finished: \(outcome)")
            return
        }
        // Waiting for the shared task would take 30 s.
        #expect(ContinuousClock.now - started < .seconds(15))
        shared.cancel()
    }
}
