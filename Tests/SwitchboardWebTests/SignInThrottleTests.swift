import NIOCore
import Testing

@testable import SwitchboardWeb

@Suite("Failed sign-ins slow an address down")
struct SignInThrottleTests {
    @Test("past the limit within the window a client waits until its oldest failure leaves it; others do not")
    func waits() {
        let throttle = SignInThrottle(limit: 3, window: .seconds(60))
        let start = ContinuousClock.now
        for second in 0..<3 { #expect(throttle.admit("198.51.100.7", now: start + .seconds(second)) == nil) }
        #expect(throttle.admit("198.51.100.7", now: start + .seconds(10)) == .seconds(50))
        #expect(throttle.admit("203.0.113.9", now: start + .seconds(10)) == nil, "another client is not held up")
        #expect(throttle.admit("198.51.100.7", now: start + .seconds(60)) == nil, "the first failure has left the window")
    }

    @Test("an attempt that signs in does not count; attempts sent at once are counted as they are admitted")
    func onlyFailuresCount() {
        let throttle = SignInThrottle(limit: 3, window: .seconds(60))
        let now = ContinuousClock.now
        for _ in 0..<10 {
            #expect(throttle.admit("198.51.100.7", now: now) == nil)
            throttle.succeeded("198.51.100.7")
        }
        // Three in flight at once use the allowance before any has failed.
        for _ in 0..<3 { #expect(throttle.admit("203.0.113.9", now: now) == nil) }
        #expect(throttle.admit("203.0.113.9", now: now) != nil)
    }

    @Test("memory stays bounded however many clients fail; the stalest is forgotten first")
    func bounded() {
        let throttle = SignInThrottle(limit: 3, window: .seconds(60), capacity: 100)
        let start = ContinuousClock.now
        for index in 0..<1_000 { _ = throttle.admit("10.0.\(index / 256).\(index % 256)", now: start) }
        for _ in 0..<3 { _ = throttle.admit("198.51.100.7", now: start + .seconds(30)) }
        for index in 0..<50 { _ = throttle.admit("10.1.0.\(index)", now: start + .seconds(40)) }
        #expect(throttle.remembered <= 100)
        #expect(throttle.admit("198.51.100.7", now: start + .seconds(40)) != nil, "a client failing lately is still held")
    }

    @Test("IPv6 clients count by their /64, IPv4 ones by address, also when they arrive mapped into IPv6")
    func clients() throws {
        #expect(SignInThrottle.client(try SocketAddress(ipAddress: "198.51.100.7", port: 1)) == "198.51.100.7")
        let one = SignInThrottle.client(try SocketAddress(ipAddress: "2001:db8:1:2::1", port: 1))
        let other = SignInThrottle.client(try SocketAddress(ipAddress: "2001:db8:1:2:ffff::9", port: 1))
        #expect(one == "2001:db8:1:2::/64" && one == other)
        #expect(SignInThrottle.client(try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1)) != one)
        #expect(SignInThrottle.client(try SocketAddress(ipAddress: "::ffff:198.51.100.7", port: 1)) == "198.51.100.7")
        #expect(SignInThrottle.client(nil) == "unknown")
    }
}
