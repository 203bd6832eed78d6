import PlinthJSON

/// One scheduling decision (upstream's `schedulePod`): filter every node, score those that
/// fit, take the best. Pure: the caller supplies the nodes as they stand, pods included.
public struct Placement: Sendable {
    public let filters: [any FilterPlugin]
    public let scores: [any ScorePlugin]

    /// Upstream's default plugins that Plinth has.
    public static let standard = Placement(
        filters: [NodeUnschedulable(), TaintToleration(), NodeAffinity(), NodeResourcesFit(), InterPodAffinity()],
        scores: [NodeResourcesFit(), NodeAffinity(), TaintToleration()])

    public init(filters: [any FilterPlugin], scores: [any ScorePlugin]) {
        self.filters = filters
        self.scores = scores
    }

    public enum Outcome: Sendable, Equatable {
        case node(String)
        /// No node fits; the message is the `PodScheduled` condition's and the Event's.
        case unschedulable(String)
    }

    /// The node for `pod`. Among equally good nodes the pod's name picks one, so a burst of
    /// identical pods spreads instead of piling onto the first.
    public func choose(_ pod: PodInfo, nodes: [NodeInfo]) -> Outcome {
        guard !nodes.isEmpty else { return .unschedulable("no nodes available to schedule pods") }
        var reasons: [String: Int] = [:]
        var feasible: [NodeInfo] = []
        let filters = self.filters.map { $0.prepared(for: pod, nodes: nodes) }
        for node in nodes {
            var unfit: [String] = []
            for f in filters {
                unfit = f.unfitReasons(pod, node)
                if !unfit.isEmpty { break }
            }
            if unfit.isEmpty { feasible.append(node) } else { for r in unfit { reasons[r, default: 0] += 1 } }
        }
        var totals = [Int](repeating: 0, count: feasible.count)
        for plugin in scores {
            var raw = feasible.map { plugin.score(pod, $0) }
            plugin.normalize(&raw)
            for i in raw.indices { totals[i] += plugin.weight * raw[i] }
        }
        let top = totals.max() ?? 0
        let best = feasible.indices.filter { totals[$0] == top }.map { feasible[$0].name }
        guard !best.isEmpty else {
            // Upstream's FitError: "<count> <reason>" sorted as strings.
            let histogram = reasons.map { "\($0.value) \($0.key)" }.sorted()
            return .unschedulable("0/\(nodes.count) nodes are available: " + histogram.joined(separator: ", ") + ".")
        }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for b in (pod.namespace + "/" + pod.name).utf8 { hash = (hash ^ UInt64(b)) &* 1_099_511_628_211 }
        return .node(best[Int(hash % UInt64(best.count))])
    }
}
