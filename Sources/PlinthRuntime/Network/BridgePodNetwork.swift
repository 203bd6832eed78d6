import Foundation
import PlinthAPIMachinery
import PlinthJSON

/// The pod network of one host on Linux kernel parts, as the CNI bridge and host-local plugins,
/// a host-gateway router and kube-proxy's nftables mode build it: a bridge holding the gateway
/// (`.1`) of the host's pod CIDR, a veth pair per pod sandbox (`eth0` inside, on the bridge
/// outside, hairpin on), addresses from a `PodAddressBook`, a route to each other host's pod
/// CIDR through that host (tagged with our route protocol so they are found again), IPv4
/// forwarding on, and three nftables tables replaced whole when they change: outbound NAT
/// (`PodNATRules`), Services (`ServiceProxyRules`) and NetworkPolicies (`NetworkPolicyRules`).
/// Load-balancer addresses this host announces are /32s on the interface holding its address.
/// Everything is done with `ip` and `nft`; all state is the kernel's or on disk, so an agent
/// that restarts finds it again and established traffic never stops.
public actor BridgePodNetwork: PodNetwork {
    /// The route protocol number that marks our routes (`ip route … proto 98`).
    static let routeProtocol = "98"

    let bridge: String
    let stateDirectory: String
    let configuredMTU: Int?
    let ip: String
    let nsenter: String
    let nft: String
    var podCIDR: IPv4Subnet?
    var hostAddress: IPv4Address?
    var mtu = 1500
    var addresses: PodAddressBook?
    var peers: [PodNetworkPeer] = []
    var nat: PodNATRules?
    var serviceRules: ServiceProxyRules?
    var policyRules: NetworkPolicyRules?

    /// `bridge` names the host's bridge (at most 15 characters); the address book lives under
    /// `stateDirectory`; `mtu` is the pods' MTU (default: that of the host address's interface).
    public init(bridge: String = "plinth0", stateDirectory: String, mtu: Int? = nil) throws {
        guard (1...15).contains(bridge.utf8.count), bridge.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw PodNetworkError("bridge name \(bridge): want 1 to 15 letters, digits, - or _")
        }
        guard let ip = HostCommand.find("ip"), let nsenter = HostCommand.find("nsenter"), let nft = HostCommand.find("nft") else {
            throw PodNetworkError("ip, nsenter and nft are needed for the pod network (apt-get install iproute2 util-linux nftables)")
        }
        self.bridge = bridge
        self.stateDirectory = stateDirectory
        configuredMTU = mtu
        self.ip = ip
        self.nsenter = nsenter
        self.nft = nft
    }

    /// The host end of a pod's veth pair, named from its uid so it is found without records.
    static func hostInterface(podUID: String) -> String {
        "pl" + String(podUID.filter { $0.isHexDigit }.prefix(13))
    }

    // MARK: The host side

    public func configure(podCIDR: IPv4Subnet, hostAddress: String) async throws {
        guard podCIDR.prefixLength <= 30 else { throw PodNetworkError("pod CIDR \(podCIDR) is too small for pods (want /30 or larger)") }
        let address = IPv4Address(hostAddress)
        if self.podCIDR == podCIDR && self.hostAddress == address && addresses != nil { return }
        if let configuredMTU { mtu = configuredMTU } else { mtu = try await interfaceMTU(holding: hostAddress) }
        let gateway = "\(podCIDR.gateway)/\(podCIDR.prefixLength)"
        if try await HostCommand.run(ip, ["link", "show", "dev", bridge], allowFailure: true).status != 0 {
            try await HostCommand.run(ip, ["link", "add", bridge, "mtu", String(mtu), "type", "bridge"])
        }
        // A bridge left from another pod CIDR (the Node was made again) loses its old gateway.
        for old in try await bridgeAddresses() where old != gateway {
            try await HostCommand.run(ip, ["addr", "del", old, "dev", bridge], allowFailure: true)
        }
        try await HostCommand.run(ip, ["-batch", "-"], input: """
            addr replace \(gateway) dev \(bridge)
            link set \(bridge) mtu \(mtu) up

            """)
        try "1".write(toFile: "/proc/sys/net/ipv4/ip_forward", atomically: false, encoding: .utf8)
        // Bridged pod-to-pod traffic through the ip hooks (conntrack for Services, NetworkPolicies).
        try? "1".write(toFile: "/proc/sys/net/bridge/bridge-nf-call-iptables", atomically: false, encoding: .utf8)
        addresses = try PodAddressBook(subnet: podCIDR, directory: bookDirectory(podCIDR))
        self.podCIDR = podCIDR
        self.hostAddress = address
        try await applyNAT()
        try await applyRoutes()
    }

    public func gateway() -> String? { podCIDR?.gateway.description }

    /// Where the addresses of `podCIDR` are recorded.
    func bookDirectory(_ podCIDR: IPv4Subnet) -> String {
        stateDirectory + "/addresses/" + podCIDR.description.replacingOccurrences(of: "/", with: "-")
    }

    /// The IPv4 addresses (with prefix) on the bridge.
    func bridgeAddresses() async throws -> [String] {
        let out = try await HostCommand.run(ip, ["-j", "-4", "addr", "show", "dev", bridge]).output
        return (try JSON.parse(Array(out.utf8))).arrayValue?.flatMap { link in
            (link["addr_info"]?.arrayValue ?? []).compactMap { a in a.string("local").map { "\($0)/\(a["prefixlen"]?.intValue ?? 32)" } }
        } ?? []
    }

    /// The interface holding `address` and its MTU, if one does.
    func interface(holding address: String) async throws -> (name: String, mtu: Int)? {
        let out = try await HostCommand.run(ip, ["-j", "-4", "addr", "show"]).output
        for link in (try JSON.parse(Array(out.utf8))).arrayValue ?? [] {
            if (link["addr_info"]?.arrayValue ?? []).contains(where: { $0.string("local") == address }),
               let name = link.string("ifname"), let mtu = link["mtu"]?.intValue {
                return (name, Int(mtu))
            }
        }
        return nil
    }

    /// The MTU of the interface holding `address`; 1500 when none does or it is loopback.
    func interfaceMTU(holding address: String) async throws -> Int {
        guard let found = try await interface(holding: address), found.name != "lo" else { return 1500 }
        return found.mtu
    }

    /// Where the announced load-balancer addresses are recorded, to take back the ones that go.
    var announcedFile: String { stateDirectory + "/announced" }

    public func announce(addresses: [String]) async throws {
        let before = ((try? String(contentsOfFile: announcedFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        guard before != addresses else { return }
        var script = ""
        for a in before where !addresses.contains(a) {
            if let holder = try await interface(holding: a) { script += "addr del \(a)/32 dev \(holder.name)\n" }
        }
        if !addresses.isEmpty {
            guard let hostAddress, let uplink = try await interface(holding: hostAddress.description)?.name else {
                throw PodNetworkError("no interface holds the host's address \(hostAddress?.description ?? "?") to announce \(addresses.joined(separator: ", "))")
            }
            for a in addresses { script += "addr replace \(a)/32 dev \(uplink)\n" }
        }
        if !script.isEmpty { try await HostCommand.run(ip, ["-force", "-batch", "-"], input: script, allowFailure: true) }
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        try addresses.joined(separator: "\n").write(toFile: announcedFile, atomically: true, encoding: .utf8)
    }

    public func route(to peers: [PodNetworkPeer]) async throws {
        self.peers = peers
        guard podCIDR != nil else { return }
        try await applyRoutes()
        try await applyNAT()
    }

    /// The peers routes go to: not this host, not ones reached over loopback (hosts sharing
    /// this network namespace reach each other's bridges directly).
    var routedPeers: [PodNetworkPeer] {
        peers.filter { !$0.address.isLoopback && $0.address != hostAddress && $0.podCIDR != podCIDR }
            .sorted { $0.podCIDR.network < $1.podCIDR.network }
    }

    /// Our routes as the kernel has them: destination → gateway.
    func installedRoutes() async throws -> [String: String] {
        let out = try await HostCommand.run(ip, ["-j", "-4", "route", "show", "proto", Self.routeProtocol]).output
        var routes: [String: String] = [:]
        for r in (try JSON.parse(Array(out.isEmpty ? "[]".utf8 : out.utf8))).arrayValue ?? [] {
            if let dst = r.string("dst") { routes[dst] = r.string("gateway") ?? "" }
        }
        return routes
    }

    func applyRoutes() async throws {
        let installed = try await installedRoutes()
        var wanted: [String: String] = [:]
        for p in routedPeers { wanted[p.podCIDR.description] = p.address.description }
        var script = ""
        for (dst, via) in wanted where installed[dst] != via {
            script += "route replace \(dst) via \(via) proto \(Self.routeProtocol)\n"
        }
        for dst in installed.keys where wanted[dst] == nil {
            script += "route del \(dst) proto \(Self.routeProtocol)\n"
        }
        guard !script.isEmpty else { return }
        // -force: one unreachable peer must not keep the others' routes out.
        let result = try await HostCommand.run(ip, ["-force", "-batch", "-"], input: script, allowFailure: true)
        if result.status != 0 { throw PodNetworkError("routing to other hosts' pods: \(result.output)") }
    }

    func applyNAT() async throws {
        guard let podCIDR else { return }
        let rules = PodNATRules(bridge: bridge, podCIDR: podCIDR, podNetworks: routedPeers.map(\.podCIDR))
        guard rules != nat else { return }
        try await HostCommand.run(nft, ["-f", "-"], input: rules.script)
        nat = rules
    }

    public func program(services: [ServicePortRule]) async throws {
        let rules = ServiceProxyRules(bridge: bridge, services: services)
        guard rules != serviceRules else { return }
        try await HostCommand.run(nft, ["-f", "-"], input: rules.script)
        serviceRules = rules
    }

    public func program(policies: [PodTrafficPolicy]) async throws {
        let rules = NetworkPolicyRules(bridge: bridge, pods: policies)
        guard rules != policyRules else { return }
        try await HostCommand.run(nft, ["-f", "-"], input: rules.script)
        policyRules = rules
    }

    public func tearDown() async throws {
        try await HostCommand.run(ip, ["-force", "-batch", "-"],
                                  input: try await installedRoutes().keys.map { "route del \($0) proto \(Self.routeProtocol)\n" }.joined(),
                                  allowFailure: true)
        for purpose in [nil, "services", "policy"] {
            try await HostCommand.run(nft, ["delete", "table", "ip", NFTablesName.table(purpose, bridge: bridge)], allowFailure: true)
        }
        try await HostCommand.run(ip, ["link", "del", bridge], allowFailure: true)
        try await announce(addresses: [])
        try? FileManager.default.removeItem(atPath: stateDirectory + "/addresses")
        try? FileManager.default.removeItem(atPath: announcedFile)
        podCIDR = nil
        addresses = nil
        nat = nil
        serviceRules = nil
        policyRules = nil
        peers = []
    }

    // MARK: Pods

    public func attach(podUID: String, namespacePath: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(10)
        while podCIDR == nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        guard let podCIDR, var book = addresses else {
            throw PodNetworkError("network is not ready: this host's Node has no pod CIDR yet")
        }
        let address = try book.allocate(podUID: podUID)
        addresses = book
        let host = Self.hostInterface(podUID: podUID)
        do {
            // A pair left by an attempt that failed half way is made again.
            try await HostCommand.run(ip, ["link", "del", host], allowFailure: true)
            try await HostCommand.run(ip, ["-batch", "-"], input: """
                link add \(host) mtu \(mtu) type veth peer name eth0 mtu \(mtu) netns \(namespacePath)
                link set \(host) master \(bridge) up
                link set \(host) type bridge_slave hairpin on

                """)
            try await HostCommand.run(nsenter, ["--net=" + namespacePath, ip, "-batch", "-"], input: """
                link set lo up
                addr add \(address)/\(podCIDR.prefixLength) dev eth0
                link set eth0 up
                route add default via \(podCIDR.gateway)

                """)
        } catch {
            _ = try? await HostCommand.run(ip, ["link", "del", host], allowFailure: true)
            addresses?.release(podUID: podUID)
            throw PodNetworkError("connecting pod \(podUID): \(error)")
        }
        return address.description
    }

    public func detach(podUID: String) async throws {
        try await HostCommand.run(ip, ["link", "del", Self.hostInterface(podUID: podUID)], allowFailure: true)
        if addresses != nil {
            addresses?.release(podUID: podUID)
            return
        }
        // Not configured yet (a restarted agent removing a pod before it read its Node): the
        // address is freed in whichever book holds it.
        let books = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/addresses")) ?? []
        for name in books {
            guard let subnet = IPv4Subnet(name.replacingOccurrences(of: "-", with: "/")) else { continue }
            var book = try PodAddressBook(subnet: subnet, directory: bookDirectory(subnet))
            book.release(podUID: podUID)
        }
    }
}
