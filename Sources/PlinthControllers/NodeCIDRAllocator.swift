import PlinthAPIMachinery

/// Which pod CIDR a new host gets: the lowest subnet of `maskSize` bits in the cluster CIDR
/// that no Node holds (upstream's range allocator also hands out the lowest free one, from a
/// bitmap). Pure, so its choices are tested without a server.
public struct NodeCIDRAllocator: Sendable {
    public let clusterCIDR: IPv4Subnet
    public let maskSize: Int

    public init(clusterCIDR: IPv4Subnet, maskSize: Int) {
        self.clusterCIDR = clusterCIDR
        self.maskSize = maskSize
    }

    /// How many hosts the range can serve.
    public var capacity: Int { 1 << min(30, maskSize - clusterCIDR.prefixLength) }

    /// The first free subnet, or nil when every one is taken. `used` may hold subnets of any
    /// size (Nodes created with a podCIDR of their own); each overlapping one is skipped.
    public func next(used: [IPv4Subnet]) -> IPv4Subnet? {
        let inRange = used.filter { $0.overlaps(clusterCIDR) }
        var index = 0
        while let candidate = clusterCIDR.subnet(index, length: maskSize) {
            if !inRange.contains(where: { $0.overlaps(candidate) }) { return candidate }
            index += 1
        }
        return nil
    }
}
