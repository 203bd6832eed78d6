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
    /// failure is retried when the watch next wakes (at least every 45 s).
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
        while !Task.isCancelled {
            do {
                let list = try await api.request(.GET, "/api/v1/nodes")
                routes = [:]
                for n in list["items"]?.arrayValue ?? [] { if let name = n.string("metadata", "name") { routes[name] = NodeRoute(n) } }
                await apply()
                var revision = list.string("metadata", "resourceVersion") ?? "0"
                while !Task.isCancelled {
                    let opened = ContinuousClock.now
                    var gone = false
                    try await api.watch("/api/v1/nodes?watch=1&allowWatchBookmarks=true&timeoutSeconds=45&resourceVersion=\(revision)") { event in
                        let object = event["object"] ?? [:]
                        if let rv = object.string("metadata", "resourceVersion") { revision = rv }
                        guard let name = object.string("metadata", "name") else { return }
                        switch event.string("type") {
                        case "ADDED", "MODIFIED": routes[name] = NodeRoute(object)
                        case "DELETED": routes[name] = nil
                        case "ERROR": gone = true
                        default: return
                        }
                        await apply()
                    }
                    if gone { break }
                    await apply()  // retries a failed apply
                    if ContinuousClock.now - opened < .seconds(1) { try await Task.sleep(for: .seconds(1)) }
                }
            } catch {
                if !Task.isCancelled { logger.warning("watching nodes for the pod network of \(config.nodeName): \(error)") }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// A host whose agent stops with no pods left needs no pod network: it is taken down
    /// (bridge, routes, NAT). With pods left it stays, so their traffic goes on while the
    /// agent is away.
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
