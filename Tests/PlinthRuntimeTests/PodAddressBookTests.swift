import Foundation
import PlinthAPIMachinery
@testable import PlinthRuntime
import Testing

/// Pod addresses on disk: never the gateway, never twice (also across a restart), freed ones
/// not reused at once, and a full subnet says so.
@Suite("pod address book")
struct PodAddressBookTests {
    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("plinth-ipam-\(UUID().uuidString.prefix(8))").path
    }

    @Test func addressesAreUniqueAndSurviveARestart() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let subnet = try #require(IPv4Subnet("10.244.3.0/24"))
        var book = try PodAddressBook(subnet: subnet, directory: dir)
        #expect(try book.allocate(podUID: "a").description == "10.244.3.2")
        #expect(try book.allocate(podUID: "b").description == "10.244.3.3")
        #expect(try book.allocate(podUID: "a").description == "10.244.3.2", "a pod keeps its address")
        #expect(try String(contentsOfFile: dir + "/10.244.3.3", encoding: .utf8) == "b")

        var restarted = try PodAddressBook(subnet: subnet, directory: dir)
        #expect(restarted.address(of: "b")?.description == "10.244.3.3")
        #expect(try restarted.allocate(podUID: "c").description == "10.244.3.4")
        restarted.release(podUID: "a")
        #expect(!FileManager.default.fileExists(atPath: dir + "/10.244.3.2"))
        #expect(try restarted.allocate(podUID: "d").description == "10.244.3.5", "a freed address waits its turn")
    }

    @Test func aFullSubnetSaysSoAndWrapsAroundToFreedAddresses() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A /29 has 8 addresses: network, gateway, broadcast and 5 for pods.
        var book = try PodAddressBook(subnet: try #require(IPv4Subnet("10.1.0.0/29")), directory: dir)
        let given = try (0..<5).map { try book.allocate(podUID: "p\($0)").description }
        #expect(given == ["10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5", "10.1.0.6"])
        #expect(throws: PodNetworkError.self) { try book.allocate(podUID: "extra") }
        book.release(podUID: "p1")
        #expect(try book.allocate(podUID: "extra").description == "10.1.0.3")
    }

    @Test func natRulesKeepPodTrafficAndMasqueradeTheRest() throws {
        let rules = PodNATRules(bridge: "plinth-0", podCIDR: try #require(IPv4Subnet("10.244.1.0/24")),
                                podNetworks: ["10.244.2.0/24", "10.244.1.0/24"].compactMap { IPv4Subnet($0) })
        #expect(rules.table == "plinth_plinth_0")
        #expect(rules.script.contains("ip saddr 10.244.1.0/24 ip daddr != { 10.244.1.0/24, 10.244.2.0/24 } masquerade"))
        #expect(rules.script.hasPrefix("table ip plinth_plinth_0 {}\ndelete table ip plinth_plinth_0\n"))
    }
}
