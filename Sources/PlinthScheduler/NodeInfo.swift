import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// What the scheduler knows of one node: its labels, taints and allocatable resources, and
/// what the pods already on it request (upstream's `framework.NodeInfo`).
public struct NodeInfo: Sendable {
    public var name: String
    public var labels: [String: String]
    public var taints: [Taint]
    public var unschedulable: Bool
    public var allocatable: [String: Quantity]
    /// The sum of the requests of the pods on the node.
    public var requested: [String: Quantity] = [:]
    /// The same with upstream's non-zero defaults (100m CPU, 200Mi memory) for pods that request
    /// none: what scoring spreads by.
    public var requestedForScoring: [String: Quantity] = [:]
    public var podCount = 0
    /// The pods on the node by `namespace/name`, for inter-pod affinity.
    public var pods: [String: PodInfo] = [:]
    /// How many of them have required anti-affinity terms (which every incoming pod must respect).
    public var antiAffinityPods = 0
    /// cpu, memory and pods read out of the dictionaries above, since every decision reads them
    /// on every node.
    public private(set) var allocatableCPU = Quantity.zero, allocatableMemory = Quantity.zero, allocatablePods: Int64 = 0
    public private(set) var requestedCPU = Quantity.zero, requestedMemory = Quantity.zero
    public private(set) var scoringCPU = Quantity.zero, scoringMemory = Quantity.zero

    public init(_ node: JSON) {
        name = node.string("metadata", "name") ?? ""
        labels = (node[path: ["metadata", "labels"]]?.objectValue ?? JSONObject()).reduce(into: [:]) { out, kv in
            if let v = kv.value.stringValue { out[kv.key] = v }
        }
        taints = Taint.of(node: node)
        unschedulable = node[path: ["spec", "unschedulable"]]?.boolValue ?? false
        allocatable = QuotaUsage.resourceList(node[path: ["status", "allocatable"]] ?? node[path: ["status", "capacity"]])
        allocatableCPU = allocatable["cpu"] ?? .zero
        allocatableMemory = allocatable["memory"] ?? .zero
        allocatablePods = allocatable["pods"]?.value ?? 0
    }

    /// Takes over the pods and what they request from `old` (the same node before a change).
    public mutating func takePods(from old: NodeInfo) {
        requested = old.requested
        requestedForScoring = old.requestedForScoring
        podCount = old.podCount
        pods = old.pods
        antiAffinityPods = old.antiAffinityPods
        (requestedCPU, requestedMemory, scoringCPU, scoringMemory) = (old.requestedCPU, old.requestedMemory, old.scoringCPU, old.scoringMemory)
    }

    /// Whether placement sees both the same: labels, taints, schedulability and allocatable
    /// (a heartbeat changes none of them).
    public func schedulesLike(_ other: NodeInfo) -> Bool {
        labels == other.labels && taints == other.taints && unschedulable == other.unschedulable && allocatable == other.allocatable
    }

    /// Counts a pod placed on this node.
    public mutating func add(_ pod: PodInfo) {
        podCount += 1
        pods[pod.key] = pod
        if !pod.antiAffinityTerms.isEmpty { antiAffinityPods += 1 }
        for (k, v) in pod.requests { requested[k] = (requested[k] ?? .zero) + v }
        for (k, v) in pod.requestsForScoring { requestedForScoring[k] = (requestedForScoring[k] ?? .zero) + v }
        requestedCPU += pod.cpu
        requestedMemory += pod.memory
        scoringCPU += pod.scoringCPU
        scoringMemory += pod.scoringMemory
    }

    /// Uncounts a pod `add` counted.
    public mutating func remove(_ pod: PodInfo) {
        podCount -= 1
        pods[pod.key] = nil
        if !pod.antiAffinityTerms.isEmpty { antiAffinityPods -= 1 }
        for (k, v) in pod.requests { requested[k] = (requested[k] ?? .zero) - v }
        for (k, v) in pod.requestsForScoring { requestedForScoring[k] = (requestedForScoring[k] ?? .zero) - v }
        requestedCPU -= pod.cpu
        requestedMemory -= pod.memory
        scoringCPU -= pod.scoringCPU
        scoringMemory -= pod.scoringMemory
    }
}

/// What a pod asks of a node, read once from its spec.
public struct PodInfo: Sendable {
    public var namespace: String
    public var name: String
    public var requests: [String: Quantity]
    public var requestsForScoring: [String: Quantity]
    public var nodeSelector: [String: String]
    /// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, ORed.
    public var requiredTerms: [NodeSelectorTerm]
    /// `preferredDuringSchedulingIgnoredDuringExecution` as (weight, term).
    public var preferredTerms: [(weight: Int, term: NodeSelectorTerm)]
    public var tolerations: [JSON]
    public var labels: JSONObject
    /// `requests` sorted by name (the order unfit reasons are given in), and cpu and memory read out.
    public var sortedRequests: [(name: String, quantity: Quantity)]
    public var cpu: Quantity, memory: Quantity, scoringCPU: Quantity, scoringMemory: Quantity
    /// Required pod affinity and anti-affinity terms.
    public var affinityTerms: [PodAffinityTerm]
    public var antiAffinityTerms: [PodAffinityTerm]

    public var key: String { namespace + "/" + name }

    public init(_ pod: JSON) {
        namespace = pod.string("metadata", "namespace") ?? ""
        name = pod.string("metadata", "name") ?? ""
        labels = pod[path: ["metadata", "labels"]]?.objectValue ?? JSONObject()
        affinityTerms = PodAffinityTerm.required(pod, "podAffinity", namespace: namespace)
        antiAffinityTerms = PodAffinityTerm.required(pod, "podAntiAffinity", namespace: namespace)
        requests = QuotaUsage.podRequests(pod)
        var scoring = requests
        if (scoring["cpu"] ?? .zero).isZero { scoring["cpu"] = Quantity(milli: 100, format: .decimalSI) }
        if (scoring["memory"] ?? .zero).isZero { scoring["memory"] = Quantity(value: 200 * 1024 * 1024, format: .binarySI) }
        requestsForScoring = scoring
        sortedRequests = requests.filter { !$0.value.isZero }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        (cpu, memory) = (requests["cpu"] ?? .zero, requests["memory"] ?? .zero)
        (scoringCPU, scoringMemory) = (scoring["cpu"] ?? .zero, scoring["memory"] ?? .zero)
        nodeSelector = (pod[path: ["spec", "nodeSelector"]]?.objectValue ?? JSONObject()).reduce(into: [:]) { out, kv in
            if let v = kv.value.stringValue { out[kv.key] = v }
        }
        let affinity = pod[path: ["spec", "affinity", "nodeAffinity"]]
        requiredTerms = (affinity?[path: ["requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]]?.arrayValue ?? [])
            .map(NodeSelectorTerm.init)
        preferredTerms = (affinity?["preferredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []).map {
            (Int($0["weight"]?.intValue ?? 0), NodeSelectorTerm($0["preference"] ?? [:]))
        }
        tolerations = pod[path: ["spec", "tolerations"]]?.arrayValue ?? []
    }
}
