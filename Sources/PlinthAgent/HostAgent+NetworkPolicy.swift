import Foundation
import PlinthRuntime

extension HostAgent {
    /// Enforces NetworkPolicies for this host's pods: watches every pod, namespace and
    /// NetworkPolicy, and has the pod network program the result whenever it changes.
    func enforceNetworkPolicies(_ network: any PodNetwork) async {
        let inputs = PolicyInputs(nodeName: config.nodeName)
        await withDiscardingTaskGroup { group in
            group.addTask {
                await listAndWatch("/api/v1/pods", what: "pods for network policies", replace: { await inputs.replace(pods: $0) },
                                   apply: { await inputs.set(pod: $0.object, deleted: $0.type == "DELETED") })
            }
            group.addTask {
                await listAndWatch("/api/v1/namespaces", what: "namespaces", replace: { await inputs.replace(namespaces: $0) },
                                   apply: { await inputs.set(namespace: $0.object, deleted: $0.type == "DELETED") })
            }
            group.addTask {
                await listAndWatch("/apis/networking.k8s.io/v1/networkpolicies", what: "network policies", replace: { await inputs.replace(policies: $0) },
                                   apply: { await inputs.set(policy: $0.object, deleted: $0.type == "DELETED") })
            }
            group.addTask {
                await reprogram("network policies", generation: { await inputs.generation }, synced: { await inputs.synced }) {
                    try await network.program(policies: await inputs.plan())
                }
            }
        }
    }
}
