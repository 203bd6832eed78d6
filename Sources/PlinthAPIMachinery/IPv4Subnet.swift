/// An IPv4 network in CIDR notation (`10.244.0.0/16`): the cluster's pod range, a host's pod
/// CIDR. Parsing refuses host bits set, as upstream's validation of `spec.podCIDR` does.
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible {
    public let network: IPv4Address
    public let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let length = Int(parts[1]), (0...32).contains(length) else { return nil }
        self.init(network: address, prefixLength: length)
        guard network == address else { return nil }
    }

    /// The subnet of `prefixLength` bits that holds `address` (host bits cleared).
    public init(network address: IPv4Address, prefixLength: Int) {
        self.prefixLength = prefixLength
        network = IPv4Address(address.value & Self.mask(prefixLength))
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    public var description: String { "\(network)/\(prefixLength)" }

    /// How many addresses the subnet spans (2^(32 - prefix)).
    public var size: UInt64 { 1 << UInt64(32 - prefixLength) }

    public func contains(_ address: IPv4Address) -> Bool {
        address.value & Self.mask(prefixLength) == network.value
    }

    /// Whether the two subnets share any address (one holds the other).
    public func overlaps(_ other: IPv4Subnet) -> Bool {
        contains(other.network) || other.contains(network)
    }

    /// The address `offset` places after the network address.
    public func address(_ offset: UInt32) -> IPv4Address { IPv4Address(network.value &+ offset) }

    /// The `index`-th subnet of `length` bits inside this one, or nil past the end.
    public func subnet(_ index: Int, length: Int) -> IPv4Subnet? {
        guard length >= prefixLength, length <= 32, index >= 0, UInt64(index) < (1 << UInt64(length - prefixLength)) else { return nil }
        let step = length == 32 ? 1 : UInt64(1) << UInt64(32 - length)
        return IPv4Subnet(network: IPv4Address(network.value &+ UInt32(UInt64(index) * step)), prefixLength: length)
    }

    /// The first usable address, conventionally the gateway of a host's pod subnet.
    public var gateway: IPv4Address { address(1) }
}
