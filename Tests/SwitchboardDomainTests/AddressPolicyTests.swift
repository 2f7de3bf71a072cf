import SwitchboardDomain
import Testing

@Suite("Endpoint address policy")
struct AddressPolicyTests {
    @Test(
        "loopback, private, link-local, metadata and unspecified IPv4 addresses are refused",
        arguments: [
            [127, 0, 0, 1], [10, 0, 0, 5], [172, 16, 3, 4], [192, 168, 1, 1], [169, 254, 169, 254], [169, 254, 1, 1], [0, 0, 0, 0], [100, 64, 0, 1],
            [198, 18, 0, 1], [198, 19, 255, 254], [192, 0, 2, 1], [198, 51, 100, 7], [203, 0, 113, 9],
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

    @Test(
        "IPv6 forms that reach IPv4 through a translator or tunnel, and site-local addresses, are refused",
        arguments: [
            // 64:ff9b::7f00:1 (NAT64 of 127.0.0.1), 64:ff9b:1::a00:1 (local-use NAT64), 2002:7f00:1:: (6to4 of 127.0.0.1),
            // ::ffff:0:a9fe:a9fe (IPv4-translated metadata), fec0::1 (site-local), 2001:0:: (Teredo), 2001:db8::1 (documentation).
            [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1],
            [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1],
            [0x20, 0x02, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 169, 254, 169, 254],
            [0xFE, 0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            [0x20, 0x01, 0x00, 0x00, 0x41, 0x36, 0xE3, 0x78, 0x80, 0, 0x63, 0xBF, 0x3F, 0xFF, 0xFD, 0xD2],
            [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        ] as [[UInt8]]
    )
    func translatedIPv6(address: [UInt8]) {
        #expect(AddressPolicy.refusal(forIPv6: address) != nil)
    }

    @Test(
        "public IPv6 next to the refused ranges is allowed",
        arguments: [
            [0x00, 0x64, 0xFF, 0x9C, 0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8], [0x20, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            [0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88],
        ] as [[UInt8]]
    )
    func publicIPv6(address: [UInt8]) {
        #expect(AddressPolicy.refusal(forIPv6: address) == nil)
    }
}
