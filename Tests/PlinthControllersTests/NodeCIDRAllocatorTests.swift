import PlinthAPIMachinery
@testable import PlinthControllers
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

/// Which address a LoadBalancer Service gets from the pool.
@Suite("load-balancer addresses")
struct LoadBalancerAddressTests {
    let pool = IPv4Subnet("192.0.2.240/29")!

    @Test func lowestFreeAddressOrTheOneAskedFor() {
        #expect(LoadBalancerController.choose(pool: pool, requested: nil, used: []) == "192.0.2.241", "not the network address")
        #expect(LoadBalancerController.choose(pool: pool, requested: nil, used: ["192.0.2.241", "192.0.2.242"]) == "192.0.2.243")
        #expect(LoadBalancerController.choose(pool: pool, requested: "192.0.2.245", used: []) == "192.0.2.245")
        #expect(LoadBalancerController.choose(pool: pool, requested: "192.0.2.245", used: ["192.0.2.245"]) == nil, "taken: stays pending")
        #expect(LoadBalancerController.choose(pool: pool, requested: "10.0.0.1", used: []) == nil, "outside the pool")
        let full = Set((1...6).map { "192.0.2.\(240 + $0)" })
        #expect(LoadBalancerController.choose(pool: pool, requested: nil, used: full) == nil, "the broadcast address is never given")
    }
}
