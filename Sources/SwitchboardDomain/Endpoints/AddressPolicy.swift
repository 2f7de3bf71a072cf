/// Which IP addresses a webhook may target (SPEC §5): never loopback, private, link-local,
/// shared, multicast, unspecified or cloud-metadata addresses, unless the operator allows them.
public enum AddressPolicy {
    /// Why an address is refused, or nil when it is a public unicast address.
    public static func refusal(forIPv4 bytes: [UInt8]) -> String? {
        guard bytes.count == 4 else { return "is not an IPv4 address" }
        let (a, b) = (bytes[0], bytes[1])
        switch (a, b) {
        case (0, _): return "is an unspecified address"
        case (127, _): return "is a loopback address"
        case (10, _), (172, 16...31), (192, 168): return "is a private address"
        case (169, 254): return bytes == [169, 254, 169, 254] ? "is a cloud metadata address" : "is a link-local address"
        case (100, 64...127): return "is a shared (carrier-grade NAT) address"
        case (192, 0) where bytes[2] == 0: return "is an IETF protocol address"
        case (224...255, _): return "is a multicast or reserved address"
        default: return nil
        }
    }

    /// Why an IPv6 address is refused, or nil when it is a public unicast address.
    public static func refusal(forIPv6 bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return "is not an IPv6 address" }
        if bytes.allSatisfy({ $0 == 0 }) { return "is an unspecified address" }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "is a loopback address" }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses are judged as the IPv4 they carry.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && (bytes[10..<12].allSatisfy({ $0 == 0xFF }) || bytes[10..<12].allSatisfy({ $0 == 0 })) {
            return refusal(forIPv4: Array(bytes[12..<16]))
        }
        if bytes[0] & 0xFE == 0xFC { return "is a private (unique local) address" }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "is a link-local address" }
        if bytes[0] == 0xFF { return "is a multicast address" }
        return nil
    }
}
