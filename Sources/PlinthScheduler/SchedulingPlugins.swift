import PlinthAPIMachinery
import PlinthJSON

/// A filter: why `node` cannot take `pod`, in upstream's words (none: it fits). Reasons from
/// every node are counted into the `FailedScheduling` message.
public protocol FilterPlugin: Sendable {
    func unfitReasons(_ pod: PodInfo, _ node: NodeInfo) -> [String]
    /// The filter to run for `pod` over `nodes`, having looked at all of them once (upstream's
    /// PreFilter); most filters need nothing and are themselves.
    func prepared(for pod: PodInfo, nodes: [NodeInfo]) -> any FilterPlugin
}

extension FilterPlugin {
    public func prepared(for pod: PodInfo, nodes: [NodeInfo]) -> any FilterPlugin { self }
}

/// A score: how much `node` suits `pod`; after `normalize` (over every node that passed the
/// filters) 0…100; the node with the highest weighted sum wins.
public protocol ScorePlugin: Sendable {
    var weight: Int { get }
    func score(_ pod: PodInfo, _ node: NodeInfo) -> Int
    /// Upstream `NormalizeScore`: rescales the raw scores of all feasible nodes together.
    func normalize(_ scores: inout [Int])
}

extension ScorePlugin {
    public func normalize(_ scores: inout [Int]) {}
}

/// `spec.unschedulable` (cordon) keeps new pods off unless they tolerate the matching taint.
public struct NodeUnschedulable: FilterPlugin {
    public init() {}
    public func unfitReasons(_ pod: PodInfo, _ node: NodeInfo) -> [String] {
        guard node.unschedulable else { return [] }
        let taint = Taint(key: NodeTaints.unschedulable, effect: "NoSchedule")
        return pod.tolerations.contains { taint.isTolerated(by: $0) } ? [] : ["node(s) were unschedulable"]
    }
}

/// NoSchedule and NoExecute taints the pod does not tolerate.
public struct TaintToleration: FilterPlugin, ScorePlugin {
    public let weight = 3
    public init() {}

    public func unfitReasons(_ pod: PodInfo, _ node: NodeInfo) -> [String] {
        for taint in node.taints where taint.effect == "NoSchedule" || taint.effect == "NoExecute" {
            if !pod.tolerations.contains(where: { taint.isTolerated(by: $0) }) {
                return ["node(s) had untolerated taint {\(taint.key): \(taint.value)}"]
            }
        }
        return []
    }

    /// The number of untolerated PreferNoSchedule taints; fewer is better (reversed by `normalize`).
    public func score(_ pod: PodInfo, _ node: NodeInfo) -> Int {
        node.taints.filter { t in t.effect == "PreferNoSchedule" && !pod.tolerations.contains { t.isTolerated(by: $0) } }.count
    }

    /// Upstream's reverse normalisation: the node with the most untolerated taints scores 0.
    public func normalize(_ scores: inout [Int]) {
        let most = scores.max() ?? 0
        scores = scores.map { most == 0 ? 100 : 100 - $0 * 100 / most }
    }
}

/// `spec.nodeSelector` and required node affinity.
public struct NodeAffinity: FilterPlugin, ScorePlugin {
    public let weight = 2
    public init() {}

    public func unfitReasons(_ pod: PodInfo, _ node: NodeInfo) -> [String] {
        let selected = pod.nodeSelector.allSatisfy { node.labels[$0.key] == $0.value }
        let required = pod.requiredTerms.isEmpty || pod.requiredTerms.contains { $0.matches(name: node.name, labels: node.labels) }
        return selected && required ? [] : ["node(s) didn't match Pod's node affinity/selector"]
    }

    /// The sum of the weights of the preferred terms the node matches.
    public func score(_ pod: PodInfo, _ node: NodeInfo) -> Int {
        pod.preferredTerms.filter { $0.term.matches(name: node.name, labels: node.labels) }.reduce(0) { $0 + max($1.weight, 0) }
    }

    /// Upstream's normalisation: the best node scores 100.
    public func normalize(_ scores: inout [Int]) {
        let best = scores.max() ?? 0
        scores = scores.map { best == 0 ? 0 : $0 * 100 / best }
    }
}

/// Requests fit in what the node has left: pods, cpu, memory and any other resource asked for.
public struct NodeResourcesFit: FilterPlugin, ScorePlugin {
    public let weight = 1
    public init() {}

    public func unfitReasons(_ pod: PodInfo, _ node: NodeInfo) -> [String] {
        var reasons: [String] = []
        if Int64(node.podCount + 1) > node.allocatablePods { reasons.append("Too many pods") }
        for (name, asked) in pod.sortedRequests {
            let free: Quantity
            switch name {
            case "cpu": free = node.allocatableCPU - node.requestedCPU
            case "memory": free = node.allocatableMemory - node.requestedMemory
            default: free = (node.allocatable[name] ?? .zero) - (node.requested[name] ?? .zero)
            }
            if asked > free { reasons.append("Insufficient \(name)") }
        }
        return reasons
    }

    /// Upstream's LeastAllocated: the share of cpu and memory left after placing the pod.
    public func score(_ pod: PodInfo, _ node: NodeInfo) -> Int {
        func left(_ capacity: Quantity, _ used: Quantity) -> Int {
            let (c, u) = (capacity.milliValue, used.milliValue)
            return c <= 0 || u > c ? 0 : Int((c - u) * 100 / c)
        }
        return (left(node.allocatableCPU, node.scoringCPU + pod.scoringCPU) + left(node.allocatableMemory, node.scoringMemory + pod.scoringMemory)) / 2
    }
}
