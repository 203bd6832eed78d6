/// An IPv4 address as a 32-bit number, parsed from and printed as dotted quads
/// (`10.244.1.7`); leading zeros are refused, as Go's netip refuses them.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), p.count == 1 || p.first != "0",
                  let octet = UInt32(p), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        self.value = value
    }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    public var isLoopback: Bool { value >> 24 == 127 }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }
}
