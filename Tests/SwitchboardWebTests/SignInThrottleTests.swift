import Testing

@testable import SwitchboardWeb

@Suite("Failed sign-ins slow an address down")
struct SignInThrottleTests {
    @Test("past the limit within the window an address waits until its oldest failure leaves it; others do not")
    func waits() {
        let throttle = SignInThrottle(limit: 3, window: .seconds(60))
        let start = ContinuousClock.now
        for second in 0..<3 {
            #expect(throttle.wait(for: "198.51.100.7", now: start + .seconds(second)) == nil)
            throttle.recordFailure(of: "198.51.100.7", now: start + .seconds(second))
        }
        #expect(throttle.wait(for: "198.51.100.7", now: start + .seconds(10)) == .seconds(50))
        #expect(throttle.wait(for: "203.0.113.9", now: start + .seconds(10)) == nil, "another address is not held up")
        #expect(throttle.wait(for: "198.51.100.7", now: start + .seconds(60)) == nil, "the first failure has left the window")
    }

    @Test("memory stays bounded however many addresses fail")
    func bounded() {
        let throttle = SignInThrottle(limit: 3, window: .seconds(60), capacity: 100)
        let now = ContinuousClock.now
        for index in 0..<1_000 { throttle.recordFailure(of: "10.0.\(index / 256).\(index % 256)", now: now) }
        throttle.recordFailure(of: "198.51.100.7", now: now)
        throttle.recordFailure(of: "198.51.100.7", now: now)
        throttle.recordFailure(of: "198.51.100.7", now: now)
        #expect(throttle.remembered <= 100)
        #expect(throttle.wait(for: "198.51.100.7", now: now) != nil, "the newest address is remembered")
    }
}
