import Synchronization

/// A FIFO lock for async code: one holder at a time, waiters resumed in order.
///
/// A `Mutex` rather than an actor: taking a free lock costs no executor hop, which matters on the
/// store's hot path, where every transaction takes it.
final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var next = 0
    }
    private let state = Mutex(State())

    func acquire() async {
        let acquired = state.withLock { state in
            guard !state.locked else { return false }
            state.locked = true
            return true
        }
        if acquired { return }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                // Released between the two critical sections: take it now.
                guard state.locked else {
                    state.locked = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard state.next < state.waiters.count else {
                state.waiters.removeAll(keepingCapacity: true)
                state.next = 0
                state.locked = false
                return nil
            }
            // The lock passes straight to the oldest waiter; it stays locked.
            let waiter = state.waiters[state.next]
            state.next += 1
            // Under steady contention the queue never empties: drop the resumed prefix now and then, or it grows
            // by one continuation per transaction for as long as the load lasts.
            if state.next >= 64 && state.next * 2 >= state.waiters.count {
                state.waiters.removeFirst(state.next)
                state.next = 0
            }
            return waiter
        }
        next?.resume()
    }
}
