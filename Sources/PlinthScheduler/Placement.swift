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
        var start = 0
        return choose(pod, nodes: nodes, start: &start)
    }

    /// Upstream's `numFeasibleNodesToFind`: in a large cluster, filtering stops once this many
    /// nodes fit (at least 100; 50% of the nodes less 1% per 125 nodes, at least 5%) and only
    /// those are scored.
    public static func feasibleNodesToFind(_ all: Int) -> Int {
        guard all >= 100 else { return all }
        let percentage = max(5, 50 - all / 125)
        return max(100, all * percentage / 100)
    }

    /// As `choose(_:nodes:)`, filtering from `start` round the nodes (upstream's rotating
    /// `nextStartNodeIndex`, so every node gets its turn); `start` moves past the nodes looked at.
    public func choose(_ pod: PodInfo, nodes: [NodeInfo], start: inout Int) -> Outcome {
        guard !nodes.isEmpty else { return .unschedulable("no nodes available to schedule pods") }
        var reasons: [String: Int] = [:]
        // Indices into `nodes`, so no node is copied.
        var feasible: [Int] = []
        let filters = self.filters.map { $0.prepared(for: pod, nodes: nodes) }
        let wanted = Self.feasibleNodesToFind(nodes.count)
        feasible.reserveCapacity(wanted)
        var processed = 0
        for offset in 0..<nodes.count where feasible.count < wanted {
            let i = (start + offset) % nodes.count
            processed += 1
            var unfit: [String] = []
            for f in filters {
                unfit = f.unfitReasons(pod, nodes[i])
                if !unfit.isEmpty { break }
            }
            if unfit.isEmpty { feasible.append(i) } else { for r in unfit { reasons[r, default: 0] += 1 } }
        }
        start = (start + processed) % nodes.count
        var totals = [Int](repeating: 0, count: feasible.count)
        for plugin in scores {
            var raw = feasible.map { plugin.score(pod, nodes[$0]) }
            plugin.normalize(&raw)
            for i in raw.indices { totals[i] += plugin.weight * raw[i] }
        }
        let top = totals.max() ?? 0
        let best = feasible.indices.filter { totals[$0] == top }.map { nodes[feasible[$0]].name }
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
