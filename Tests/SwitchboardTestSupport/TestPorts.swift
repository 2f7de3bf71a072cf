import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Ports for servers the tests start on a port of their own choosing (a `switchboard serve` process, PostgreSQL).
public enum TestPorts {
    /// A port on 127.0.0.1 that nothing holds now, below Linux's ephemeral range (32768–60999), so that no outgoing
    /// connection of the tests takes it before the server binds it.
    public static func unused() -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 20_000...32_000)
            if isFree(port) { return port }
        }
        return Int.random(in: 20_000...32_000)
    }

    /// Whether a socket can bind 127.0.0.1:`port` now.
    static func isFree(_ port: Int) -> Bool {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { return false }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
