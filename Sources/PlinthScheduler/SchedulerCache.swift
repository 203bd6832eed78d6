import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// The nodes with what the pods bound to them request, kept up to date from changes (upstream's
/// scheduler cache) so a decision reads it in O(nodes) instead of re-reading every pod.
///
/// A pod is counted on a node while it is bound there and not finished. Pods this scheduler has
/// just bound are counted at once (assumed) and stay counted until an event confirms or moves
/// them, or the binding failed (`forget`): an older event that still shows the pod unbound
/// does not uncount it. Applying a change is idempotent by key, so events that repeat what the
/// initial load read do no harm.
actor SchedulerCache {
    private struct Placed {
        var node: String
        var pod: PodInfo
        /// Seen bound in an event (or the initial load), not only assumed by this scheduler.
        var confirmed: Bool
    }

    /// The nodes in name order (what every decision reads, passed without copying) and where
    /// each name is in it.
    private var nodes: [NodeInfo] = []
    private var index: [String: Int] = [:]
    private var placed: [String: Placed] = [:]
    /// Where the next decision starts filtering.
    private var nextStart = 0

    /// Reads every node and pod (call after subscribing to changes, so none is missed).
    func load(nodes nodeObjects: [CachedObject], pods: [CachedObject]) {
        nodes = nodeObjects.map { NodeInfo($0.object) }.sorted { $0.name < $1.name }
        reindex()
        for p in pods { podChanged(p.key, p.object) }
    }

    /// Applies one change of a pod or node; other kinds are ignored. Returns whether a node
    /// appeared or changed in a way placement sees (so waiting pods may fit now).
    @discardableResult
    func apply(_ change: ObjectChange) -> Bool {
        let r = change.resource
        guard r.group.isEmpty else { return false }
        switch (r.plural, change.event) {
        case ("pods", .added(let o)), ("pods", .modified(let o)):
            podChanged(o.key, o.object)
        case ("pods", .deleted(let o)):
            uncount(o.key)
        case ("nodes", .added(let o)), ("nodes", .modified(let o)):
            return nodeChanged(o.object)
        case ("nodes", .deleted(let o)):
            if let i = index[o.name] {
                nodes.remove(at: i)
                reindex()
            }
        default:
            break
        }
        return false
    }

    /// Counts a pod this scheduler has just bound, before the event that shows it.
    func assume(_ key: String, on node: String, _ pod: PodInfo) {
        if let current = placed[key], current.confirmed { return }
        uncount(key)
        count(key, Placed(node: node, pod: pod, confirmed: false))
    }

    /// Chooses a node for `pod` and counts it there in one step, so workers deciding at the
    /// same time never hand out the same room twice; nil when the pod is already placed (its
    /// binding is on its way).
    func place(_ key: String, _ pod: PodInfo, with placement: Placement) -> Placement.Outcome? {
        if placed[key] != nil { return nil }
        let outcome = placement.choose(pod, nodes: nodes, start: &nextStart)
        if case .node(let node) = outcome { assume(key, on: node, pod) }
        return outcome
    }

    /// Uncounts an assumed pod whose binding failed (a confirmed one stays as events say).
    func forget(_ key: String) {
        guard let current = placed[key], !current.confirmed else { return }
        uncount(key)
    }

    /// The nodes in name order, each with what its pods request.
    func snapshot() -> [NodeInfo] {
        nodes
    }

    private func reindex() {
        index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element.name, $0.offset) })
    }

    // MARK: Bookkeeping

    private func podChanged(_ key: String, _ pod: JSON) {
        let node = pod.string("spec", "nodeName") ?? ""
        guard !node.isEmpty, !PodPhase.isTerminal(pod) else {
            // Unbound (an older event than our own binding) leaves an assumed pod counted.
            if node.isEmpty, let current = placed[key], !current.confirmed { return }
            uncount(key)
            return
        }
        uncount(key)
        count(key, Placed(node: node, pod: PodInfo(pod), confirmed: true))
    }

    /// Takes a node's new labels, taints and allocatable; returns whether placement sees it differently.
    private func nodeChanged(_ object: JSON) -> Bool {
        var fresh = NodeInfo(object)
        if let i = index[fresh.name] {
            let changed = !nodes[i].schedulesLike(fresh)
            // A heartbeat changes nothing placement reads: keep the node as it is.
            guard changed else { return false }
            fresh.takePods(from: nodes[i])
            nodes[i] = fresh
            return true
        }
        // Pods may have been bound to it before it was seen.
        for p in placed.values where p.node == fresh.name { fresh.add(p.pod) }
        nodes.insert(fresh, at: nodes.firstIndex { $0.name > fresh.name } ?? nodes.count)
        reindex()
        return true
    }

    private func count(_ key: String, _ p: Placed) {
        placed[key] = p
        if let i = index[p.node] { nodes[i].add(p.pod) }
    }

    private func uncount(_ key: String) {
        guard let p = placed.removeValue(forKey: key) else { return }
        if let i = index[p.node] { nodes[i].remove(p.pod) }
    }
}
