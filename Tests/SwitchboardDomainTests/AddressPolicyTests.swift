import SwitchboardDomain
import Testing

@Suite("Endpoint address policy")
struct AddressPolicyTests {
    @Test(
        "loopback, private, link-local, metadata and unspecified IPv4 addresses are refused",
        arguments: [
            [127, 0, 0, 1], [10, 0, 0, 5], [172, 16, 3, 4], [192, 168, 1, 1], [169, 254, 169, 254], [169, 254, 1, 1], [0, 0, 0, 0], [100, 64, 0, 1],
        ]
            as [[UInt8]]
    )
    func refusedIPv4(address: [UInt8]) {
        #expect(AddressPolicy.refusal(forIPv4: address) != nil)
    }

    @Test("public IPv4 addresses are allowed", arguments: [[93, 184, 216, 34], [8, 8, 8, 8], [172, 32, 0, 1]] as [[UInt8]])
    func allowedIPv4(address: [UInt8]) {
        #expect(AddressPolicy.refusal(forIPv4: address) == nil)
    }

    @Test("::1, fe80::, fc00:: and IPv4-mapped loopback are refused; a public IPv6 is allowed")
    func ipv6() {
        var loopback = [UInt8](repeating: 0, count: 16)
        loopback[15] = 1
        #expect(AddressPolicy.refusal(forIPv6: loopback) == "is a loopback address")
        #expect(AddressPolicy.refusal(forIPv6: [0xFE, 0x80] + [UInt8](repeating: 0, count: 14)) != nil)
        #expect(AddressPolicy.refusal(forIPv6: [0xFD, 0x12] + [UInt8](repeating: 0, count: 14)) != nil)
        let mapped = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 127, 0, 0, 1]
        #expect(AddressPolicy.refusal(forIPv6: mapped) == "is a loopback address")
        #expect(AddressPolicy.refusal(forIPv6: [0x26, 0x06, 0x28, 0x00] + [UInt8](repeating: 1, count: 12)) == nil)
    }
}
