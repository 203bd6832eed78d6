import Foundation
import PlinthRuntime

extension HostAgent {
    /// The host's Service proxy (kube-proxy's part): watches every Service and EndpointSlice
    /// and has the pod network program them, at most every 100 ms, whole, once both lists are in.
    func proxyServices(_ network: any PodNetwork) async {
        let state = ProxiedServices()
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
                var programmed = -1
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    let generation = await state.generation
                    guard generation != programmed, await state.synced else { continue }
                    do {
                        try await network.program(services: await state.rules())
                        programmed = generation
                    } catch {
                        logger.warning("programming services on \(config.nodeName): \(error)")
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
        }
    }
}
