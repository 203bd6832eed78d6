import Foundation
import PlinthRuntime

extension HostAgent {
    /// The host's Service proxy (kube-proxy's part): watches every Service and EndpointSlice
    /// and has the pod network program them, at most every 100 ms, whole, once the lists are in;
    /// with the Ready hosts (a third watch) it announces the load-balancer addresses this host
    /// owns.
    func proxyServices(_ network: any PodNetwork, _ state: ProxiedServices) async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await listAndWatch("/api/v1/services", what: "services", replace: { await state.replace(services: $0) },
                                   apply: { await state.set(service: $0.object, deleted: $0.type == "DELETED") })
            }
            group.addTask {
                await listAndWatch("/apis/discovery.k8s.io/v1/endpointslices", what: "endpoint slices", replace: { await state.replace(slices: $0) },
                                   apply: { await state.set(slice: $0.object, deleted: $0.type == "DELETED") })
            }
            group.addTask {
                await listAndWatch("/api/v1/nodes", what: "nodes for load balancers", replace: { await state.replace(nodes: $0) },
                                   apply: { await state.set(node: $0.object, deleted: $0.type == "DELETED") })
            }
            group.addTask {
                await reprogram("services", generation: { await state.generation }, synced: { await state.synced }) {
                    try await network.program(services: await state.rules())
                    try await network.announce(addresses: await state.announced(by: config.nodeName))
                }
            }
        }
    }

    /// Runs `program` whenever `generation` moves (looked at every 100 ms), once `synced`; a
    /// failure is logged and tried again a second later.
    func reprogram(_ what: String, generation: () async -> Int, synced: () async -> Bool, program: () async throws -> Void) async {
        var programmed = -1
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            let current = await generation()
            guard current != programmed, await synced() else { continue }
            do {
                try await program()
                programmed = current
            } catch {
                logger.warning("programming \(what) on \(config.nodeName): \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Where pods on this host ask for names: the pod network's gateway, nil without a
    /// network. A host whose Node has no pod CIDR yet is waited for a little, then the sandbox
    /// fails (and is tried again) rather than start with the host's resolver instead.
    func clusterDNSAddress() async throws -> String? {
        guard let network else { return nil }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let gateway = await network.gateway() { return gateway }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PodNetworkError("network is not ready: this host's Node has no pod CIDR yet")
    }

    /// The host's cluster DNS, on the pod network's gateway once there is one; a failure to
    /// listen (port 53 taken) is reported and tried again every 5 s.
    func serveDNS(_ network: any PodNetwork, _ state: ProxiedServices) async {
        let hostResolvConf = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
        let server = ClusterDNSServer(services: state, domain: config.clusterDomain,
                                      upstream: PodDNSPolicy.parse(resolvConf: hostResolvConf).servers, logger: logger)
        while !Task.isCancelled {
            guard let gateway = await network.gateway() else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            do {
                try await server.run(host: gateway)
            } catch {
                if Task.isCancelled { return }
                logger.warning("cluster DNS of \(config.nodeName) on \(gateway):53: \(error)")
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }
}
