import PlinthAPIMachinery
import PlinthJSON

/// The Node a host agent registers and the status it keeps posting (upstream kubelet's
/// `initialNode` and `setNodeStatus`): well-known labels, capacity and allocatable, addresses,
/// the four pressure conditions plus Ready, and `nodeInfo`.
enum NodeObject {
    static let kubeletVersion = "v1.33.0"

    static func node(_ c: HostAgentConfiguration, runtime: String, runtimeVersion: String, system: SystemInfo, now: String) -> JSON {
        var labels: JSON = [
            "beta.kubernetes.io/arch": .string(system.architecture), "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": .string(system.architecture), "kubernetes.io/hostname": .string(c.nodeName),
            "kubernetes.io/os": "linux", "node.plinth.dev/runtime": .string(runtime),
        ]
        for (k, v) in c.labels.sorted(by: { $0.key < $1.key }) { labels[k] = .string(v) }
        var node: JSON = [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(c.nodeName), "labels": labels],
            "spec": c.taints.isEmpty ? [:] : ["taints": .array(c.taints.map(\.json))],
        ]
        node["status"] = status(c, runtimeVersion: runtimeVersion, system: system, previous: nil, now: now)
        return node
    }

    /// The status to post; `previous` keeps the conditions' transition times.
    static func status(_ c: HostAgentConfiguration, runtimeVersion: String, system: SystemInfo, previous: JSON?, now: String) -> JSON {
        var holder: JSON = ["status": previous ?? [:]]
        let conditions: [(String, String, String, String)] = [
            ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ]
        for (type, status, reason, message) in conditions {
            Conditions.set(&holder, type: type, status: status, reason: reason, message: message, now: now)
        }
        // Conditions.set keeps the transition time; the kubelet also refreshes the heartbeat.
        let stamped = (holder[path: ["status", "conditions"]]?.arrayValue ?? []).map { cond -> JSON in
            var c: JSON = [:]
            for key in ["type", "status"] { c[key] = cond[key] }
            c["lastHeartbeatTime"] = .string(now)
            for key in ["lastTransitionTime", "reason", "message"] { c[key] = cond[key] }
            return c
        }
        return [
            "capacity": resourceList(c.capacity),
            "allocatable": resourceList(allocatable(c)),
            "conditions": .array(stamped),
            "addresses": [["type": "InternalIP", "address": .string(c.address)], ["type": "Hostname", "address": .string(c.nodeName)]],
            "daemonEndpoints": ["kubeletEndpoint": ["Port": .int(Int64(c.port))]],
            "nodeInfo": [
                "machineID": .string(system.machineID), "systemUUID": .string(system.machineID), "bootID": .string(system.bootID),
                "kernelVersion": .string(system.kernelVersion), "osImage": .string(system.osImage),
                "containerRuntimeVersion": .string(runtimeVersion), "kubeletVersion": .string(kubeletVersion),
                "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": .string(system.architecture),
            ],
        ]
    }

    static func allocatable(_ c: HostAgentConfiguration) -> [String: String] {
        var out = c.capacity
        for (name, held) in c.reserved {
            guard let total = c.capacity[name].flatMap(Quantity.init), let keep = Quantity(held) else { continue }
            let left = total - keep
            out[name] = (left > .zero ? left : .zero).description
        }
        return out
    }

    static func resourceList(_ l: [String: String]) -> JSON {
        var out: JSON = [:]
        for (k, v) in l.sorted(by: { $0.key < $1.key }) { out[k] = .string(v) }
        return out
    }

    /// The Node's Lease in `kube-node-lease` (owned by the Node, so it goes with it).
    static func lease(_ c: HostAgentConfiguration, nodeUID: String, renewTime: String) -> JSON {
        [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": [
                "name": .string(c.nodeName), "namespace": "kube-node-lease",
                "ownerReferences": [["apiVersion": "v1", "kind": "Node", "name": .string(c.nodeName), "uid": .string(nodeUID)]],
            ],
            "spec": ["holderIdentity": .string(c.nodeName), "leaseDurationSeconds": .int(Int64(c.leaseDurationSeconds)),
                     "renewTime": .string(renewTime)],
        ]
    }
}
