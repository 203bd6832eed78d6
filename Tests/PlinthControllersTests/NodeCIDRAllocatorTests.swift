import PlinthAPIMachinery
import PlinthControllers
import Testing

/// Which pod CIDR the node IPAM controller gives a new host.
@Suite("node CIDR allocation")
struct NodeCIDRAllocatorTests {
    let allocator = NodeCIDRAllocator(clusterCIDR: IPv4Subnet("10.244.0.0/22")!, maskSize: 24)

    @Test func lowestFreeSubnetFirst() {
        #expect(allocator.capacity == 4)
        #expect(allocator.next(used: [])?.description == "10.244.0.0/24")
        #expect(allocator.next(used: ["10.244.0.0/24", "10.244.2.0/24"].compactMap { IPv4Subnet($0) })?.description == "10.244.1.0/24")
    }

    @Test func subnetsOverlappingOnesOfOtherSizesAreSkipped() {
        // A Node created with its own /23 covers two host subnets; one outside the range covers none.
        let used = ["10.244.0.0/23", "10.96.0.0/24"].compactMap { IPv4Subnet($0) }
        #expect(allocator.next(used: used)?.description == "10.244.2.0/24")
    }

    @Test func aFullRangeHasNothingLeft() {
        let used = (0..<4).compactMap { IPv4Subnet("10.244.\($0).0/24") }
        #expect(allocator.next(used: used) == nil)
    }
}
