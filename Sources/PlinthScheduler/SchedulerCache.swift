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

    private var nodes: [String: NodeInfo] = [:]
    private var sortedNames: [String] = []
    private var placed: [String: Placed] = [:]
    /// Where the next decision starts filtering.
    private var nextStart = 0

    /// Reads every node and pod (call after subscribing to changes, so none is missed).
    func load(nodes nodeObjects: [CachedObject], pods: [CachedObject]) {
        for n in nodeObjects { nodes[n.name] = NodeInfo(n.object) }
        sortedNames = nodes.keys.sorted()
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
            nodes[o.name] = nil
            sortedNames.removeAll { $0 == o.name }
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
        let outcome = placement.choose(pod, nodes: snapshot(), start: &nextStart)
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
        sortedNames.compactMap { nodes[$0] }
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
        let changed = nodes[fresh.name].map { !$0.schedulesLike(fresh) } ?? true
        if let old = nodes[fresh.name] {
            fresh.takePods(from: old)
        } else {
            // Pods may have been bound to it before it was seen.
            for p in placed.values where p.node == fresh.name { fresh.add(p.pod) }
            sortedNames.insert(fresh.name, at: sortedNames.firstIndex { $0 > fresh.name } ?? sortedNames.count)
        }
        nodes[fresh.name] = fresh
        return changed
    }

    private func count(_ key: String, _ p: Placed) {
        placed[key] = p
        nodes[p.node]?.add(p.pod)
    }

    private func uncount(_ key: String) {
        guard let p = placed.removeValue(forKey: key) else { return }
        nodes[p.node]?.remove(p.pod)
    }
}
