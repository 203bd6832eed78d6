import Foundation
import PlinthAPIMachinery
import PlinthJSON
import PlinthRuntime

extension HostAgent {
    /// What the pod network reads of a Node: its pod CIDR and the address that reaches it.
    struct NodeRoute: Equatable {
        var podCIDR: IPv4Subnet?
        var address: IPv4Address?

        init(_ node: JSON) {
            let cidrs = node[path: ["spec", "podCIDRs"]]?.arrayValue?.compactMap(\.stringValue) ?? []
            podCIDR = (cidrs + [node.string("spec", "podCIDR") ?? ""]).lazy.compactMap { IPv4Subnet($0) }.first
            let addresses = node[path: ["status", "addresses"]]?.arrayValue ?? []
            address = addresses.first { $0.string("type") == "InternalIP" }.flatMap { $0.string("address") }.flatMap { IPv4Address($0) }
        }
    }

    /// Lists and watches every Node: builds the pod network once this host's Node has a pod
    /// CIDR, and routes each other host's pod CIDR through that host, following Nodes as they
    /// come, change and go. What was last applied is applied again only when it changes; a
    /// failure is retried when a watch ends (at least every 45 s).
    func followNodes(_ network: any PodNetwork) async {
        var routes: [String: NodeRoute] = [:]
        var applied: [String: NodeRoute]?
        func apply() async {
            guard applied != routes, let own = routes[config.nodeName]?.podCIDR else { return }
            do {
                try await network.configure(podCIDR: own, hostAddress: config.address)
                let peers = routes.filter { $0.key != config.nodeName }.values.compactMap { r -> PodNetworkPeer? in
                    guard let cidr = r.podCIDR, let address = r.address else { return nil }
                    return PodNetworkPeer(podCIDR: cidr, address: address)
                }
                try await network.route(to: peers)
                applied = routes
            } catch {
                logger.warning("pod network of \(config.nodeName): \(error)")
            }
        }
        await listAndWatch("/api/v1/nodes", what: "nodes for the pod network", replace: { items in
            routes = [:]
            for n in items { if let name = n.string("metadata", "name") { routes[name] = NodeRoute(n) } }
            await apply()
        }, apply: { change in
            guard let name = change.object.string("metadata", "name") else { return }
            routes[name] = change.type == "DELETED" ? nil : NodeRoute(change.object)
            await apply()
        }, idle: apply)  // retries a failed apply
    }

    /// A host whose agent stops with no pods left needs no pod network: it is taken down
    /// (bridge, routes, its nftables tables, announced addresses). With pods left it stays, so
    /// their traffic goes on while the agent is away.
    func tearDownUnusedNetwork() async {
        guard let network, let held = try? await runtime.sandboxes(), held.isEmpty else { return }
        do {
            try await network.tearDown()
            logger.info("took down the pod network of \(config.nodeName): no pods left")
        } catch {
            logger.warning("taking down the pod network of \(config.nodeName): \(error)")
        }
    }
}
