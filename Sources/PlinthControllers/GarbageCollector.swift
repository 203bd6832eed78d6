import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import ServiceLifecycle

/// The garbage collector: deletes objects whose owners are all gone, carries out foreground
/// deletion (dependents first, then the owner once no `blockOwnerDeletion` dependent remains) and
/// orphaning (owner references removed, then the owner goes), for every kind including custom
/// resources, following upstream's garbage collector.
///
/// It follows every change through the registry's change feed, keeps an `OwnerGraph`, and
/// reconciles each affected object by uid (level-triggered: it re-reads the object and its
/// owners each time). A periodic pass re-checks everything it knows.
public struct GarbageCollector: Service {
    let core: APIServerCore
    let logger: Logger
    let resyncInterval: Duration

    public init(core: APIServerCore, logger: Logger, resyncInterval: Duration = .seconds(30)) {
        self.core = core
        self.logger = logger
        self.resyncInterval = resyncInterval
    }

    enum Signal: Sendable {
        case change(ObjectChange)
        case resync
    }

    public func run() async throws {
        let feed = core.registry.changes.subscribe()
        while !core.isReady { try await Task.sleep(for: .milliseconds(10)) }
        await cancelWhenGracefulShutdown { await follow(feed) }
    }

    /// Builds the graph from the caches, then reconciles whatever each change or resync touches.
    func follow(_ feed: AsyncStream<ObjectChange>) async {
        var graph = OwnerGraph()
        var pending: [String] = []
        for cache in core.registry.allCaches {
            for o in cache.objects() where OwnerGraph.mayMatter(o) {
                pending += graph.observe(cache.resource, o)
            }
        }
        let interval = resyncInterval
        let (signals, input) = AsyncStream.makeStream(of: Signal.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await change in feed { input.yield(.change(change)) }
                input.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    input.yield(.resync)
                }
            }
            await process(pending, graph)
            for await signal in signals {
                switch signal {
                case .change(let change): pending = graph.apply(change)
                case .resync: pending = Array(graph.nodes.keys)
                }
                await process(pending, graph)
            }
            group.cancelAll()
        }
    }

    func process(_ uids: [String], _ graph: OwnerGraph) async {
        var seen: Set<String> = []
        for uid in uids where seen.insert(uid).inserted {
            guard let node = graph.nodes[uid] else { continue }
            do {
                try await reconcile(uid, node, graph)
            } catch let e where e.code == 404 || e.code == 409 {
                continue  // gone or changed meanwhile; its next change brings it back
            } catch {
                logger.warning("garbage collector: \(node.resource.qualifiedResource) \(node.key): \(error)")
            }
        }
    }

    /// One step for one object: finish its own orphaning or foreground deletion, or delete it
    /// (or drop dead owner references) according to its owners.
    func reconcile(_ uid: String, _ node: OwnerGraph.Node, _ graph: OwnerGraph) async throws(APIError) {
        let registry = core.registry
        guard let current = try registry.cache(node.resource).get(node.key),
              current.object.string("metadata", "uid") == uid else { return }
        let object = current.object
        let name = current.name
        let finalizers = object[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        if object[path: ["metadata", "deletionTimestamp"]] != nil {
            if finalizers.contains("orphan") {
                // The owner goes only once every dependent has let go of it.
                for d in graph.dependents(of: uid) {
                    do {
                        try await removeOwnerReferences(d, where: { $0 == uid })
                    } catch where error.code == 404 {
                        continue
                    }
                }
                try await removeFinalizer("orphan", node, name: name, uid: uid)
            } else if finalizers.contains("foregroundDeletion") {
                let dependents = graph.dependents(of: uid)
                let blocking = dependents.filter { d in d.owners.contains { $0.uid == uid && $0.blockOwnerDeletion } }
                if blocking.isEmpty {
                    try await removeFinalizer("foregroundDeletion", node, name: name, uid: uid)
                } else {
                    for d in dependents { try? await deleteDependent(d, foreground: graph.hasDependents(d.uid)) }
                }
            }
            return
        }
        // The owners as the object has them now (an orphaning owner may have just removed itself).
        let owners = OwnerGraph.ownerReferences(of: object)
        guard !owners.isEmpty else { return }
        var solid: [OwnerGraph.OwnerRef] = []
        var dead: [OwnerGraph.OwnerRef] = []
        var waiting: [OwnerGraph.OwnerRef] = []
        for ref in owners {
            switch await ownerState(ref, of: node) {
            case .solid: solid.append(ref)
            case .absent: dead.append(ref)
            case .deletingDependents: waiting.append(ref)
            case .unresolvable: return  // cluster-scoped objects cannot have namespaced owners: never collected
            }
        }
        if !solid.isEmpty {
            if !dead.isEmpty || !waiting.isEmpty {
                let drop = Set((dead + waiting).map(\.uid))
                try await removeOwnerReferences(node, where: { drop.contains($0) })
            }
            return
        }
        if dead.isEmpty && waiting.isEmpty { return }
        try await deleteDependent(node, foreground: !waiting.isEmpty && graph.hasDependents(uid))
    }

    enum OwnerState { case solid, absent, deletingDependents, unresolvable }

    /// Finds an owner by name in the dependent's namespace (or cluster-wide) and checks its uid.
    /// An owner missing from its cache is confirmed with a consistent read (its cache may lag
    /// behind the dependent's) before it counts as gone.
    func ownerState(_ ref: OwnerGraph.OwnerRef, of node: OwnerGraph.Node) async -> OwnerState {
        guard let r = core.catalog.lookup(apiVersion: ref.apiVersion, kind: ref.kind) else { return .solid }
        if r.namespaced && node.namespace == nil { return .unresolvable }
        let namespace = r.namespaced ? node.namespace : nil
        var found = (try? core.registry.cache(r))?.get(r.key(namespace: namespace, name: ref.name))
        if found?.object.string("metadata", "uid") != ref.uid {
            do {
                found = try await core.registry.get(r, namespace: namespace, name: ref.name)
            } catch where error.code == 404 {
                found = nil
            } catch {
                return .solid  // cannot tell now; the next pass decides
            }
        }
        guard let owner = found, owner.object.string("metadata", "uid") == ref.uid else { return .absent }
        if owner.object[path: ["metadata", "deletionTimestamp"]] != nil,
           owner.object[path: ["metadata", "finalizers"]]?.arrayValue?.contains("foregroundDeletion") == true {
            return .deletingDependents
        }
        return .solid
    }

    /// Deletes a dependent: in the foreground when its owner waits for it and it has dependents
    /// of its own (so foreground deletion propagates down), otherwise as its own finalizers say
    /// (background by default). Always pinned to the uid the collector saw.
    func deleteDependent(_ d: OwnerGraph.Node, foreground: Bool) async throws(APIError) {
        guard let current = try core.registry.cache(d.resource).get(d.key),
              current.object.string("metadata", "uid") == d.uid else { return }
        if current.object[path: ["metadata", "deletionTimestamp"]] != nil { return }
        let finalizers = current.object[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        let policy = foreground || finalizers.contains("foregroundDeletion") ? "Foreground"
            : finalizers.contains("orphan") ? "Orphan" : "Background"
        _ = try await core.registry.delete(d.resource, namespace: d.namespace, name: current.name,
                                           options: DeleteOptions(propagationPolicy: policy, uid: d.uid))
    }

    /// Removes the owner references whose uid `drop` selects.
    func removeOwnerReferences(_ d: OwnerGraph.Node, where drop: @escaping @Sendable (String) -> Bool) async throws(APIError) {
        guard let current = try core.registry.cache(d.resource).get(d.key) else { return }
        _ = try await core.registry.guaranteedUpdate(d.resource, namespace: d.namespace, name: current.name, precondition: nil,
                                                     options: WriteOptions(fieldManager: "garbage-collector")) { object throws(APIError) in
            var next = object
            let refs = (object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).filter { !drop($0["uid"]?.stringValue ?? "") }
            next[path: ["metadata", "ownerReferences"]] = refs.isEmpty ? nil : .array(refs)
            return next
        }
    }

    func removeFinalizer(_ finalizer: String, _ node: OwnerGraph.Node, name: String, uid: String) async throws(APIError) {
        _ = try await core.registry.guaranteedUpdate(node.resource, namespace: node.namespace, name: name, precondition: nil,
                                                     options: WriteOptions(fieldManager: "garbage-collector")) { object throws(APIError) in
            guard object.string("metadata", "uid") == uid else { throw APIError.conflict(node.resource, name) }
            var next = object
            let rest = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).filter { $0 != .string(finalizer) }
            next[path: ["metadata", "finalizers"]] = rest.isEmpty ? nil : .array(rest)
            return next
        }
    }
}
