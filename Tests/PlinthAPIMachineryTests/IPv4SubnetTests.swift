import PlinthAPIMachinery
import Testing

/// Addresses and CIDRs as pod networks use them: parsing with Go's strictness, containment,
/// and carving a cluster range into host subnets.
@Suite("IPv4 addresses and subnets")
struct IPv4SubnetTests {
    @Test func addressesParseAndPrint() {
        #expect(IPv4Address("10.244.1.7")?.description == "10.244.1.7")
        #expect(IPv4Address("255.255.255.255")?.value == UInt32.max)
        for bad in ["10.244.1", "10.244.1.256", "10.244.01.7", "a.b.c.d", "10.244.1.7.", "", " 10.0.0.1"] {
            #expect(IPv4Address(bad) == nil, "\(bad)")
        }
        #expect(IPv4Address("127.0.0.1")!.isLoopback && !IPv4Address("10.0.0.1")!.isLoopback)
    }

    @Test func subnetsParseRefusingHostBits() {
        #expect(IPv4Subnet("10.244.0.0/16")?.description == "10.244.0.0/16")
        #expect(IPv4Subnet("0.0.0.0/0")?.size == 1 << 32)
        for bad in ["10.244.1.0/16", "10.244.0.0", "10.244.0.0/33", "10.244.0.0/-1", "10.244.0.0/1a"] {
            #expect(IPv4Subnet(bad) == nil, "\(bad)")
        }
    }

    @Test func containmentAndCarving() throws {
        let cluster = try #require(IPv4Subnet("10.244.0.0/16"))
        #expect(cluster.contains(IPv4Address("10.244.255.1")!) && !cluster.contains(IPv4Address("10.245.0.1")!))
        #expect(cluster.subnet(0, length: 24)?.description == "10.244.0.0/24")
        #expect(cluster.subnet(255, length: 24)?.description == "10.244.255.0/24")
        #expect(cluster.subnet(256, length: 24) == nil)
        #expect(cluster.subnet(1, length: 15) == nil)
        let host = try #require(cluster.subnet(3, length: 24))
        #expect(host.gateway.description == "10.244.3.1" && host.size == 256)
        #expect(host.overlaps(cluster) && cluster.overlaps(host) && !host.overlaps(IPv4Subnet("10.244.4.0/24")!))
    }
}
