/// Which IP addresses a webhook may target (SPEC §5): never loopback, private, link-local, site-local, shared,
/// benchmarking, documentation, multicast, unspecified or cloud-metadata addresses, nor IPv6 addresses that a
/// translator or tunnel maps to IPv4 (NAT64, 6to4, Teredo, IPv4-translated), unless the operator allows them.
/// Ranges from IANA's special-purpose address registries (RFC 6890).
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
        case (198, 18...19): return "is a benchmarking address"
        case (192, 0) where bytes[2] == 2, (198, 51) where bytes[2] == 100, (203, 0) where bytes[2] == 113: return "is a documentation address"
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
        // Addresses that translators and tunnels turn into IPv4 ones, which could be any of those refused above.
        if bytes[0..<8].allSatisfy({ $0 == 0 }) && bytes[8..<10].allSatisfy({ $0 == 0xFF }) && bytes[10..<12].allSatisfy({ $0 == 0 }) {
            return "is an IPv4-translated address"
        }
        if bytes[0..<4] == [0x00, 0x64, 0xFF, 0x9B] && (bytes[4..<12].allSatisfy({ $0 == 0 }) || bytes[4..<6] == [0x00, 0x01]) {
            return "is a NAT64 address"
        }
        if bytes[0..<2] == [0x20, 0x02] { return "is a 6to4 address" }
        if bytes[0..<4] == [0x20, 0x01, 0x00, 0x00] { return "is a Teredo address" }
        if bytes[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return "is a documentation address" }
        if bytes[0] & 0xFE == 0xFC { return "is a private (unique local) address" }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "is a link-local address" }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return "is a site-local address" }
        if bytes[0] == 0xFF { return "is a multicast address" }
        return nil
    }
}
