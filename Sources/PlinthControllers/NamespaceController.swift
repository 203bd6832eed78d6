import Logging
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON
import ServiceLifecycle

/// Empties namespaces being deleted, as upstream's namespace controller does: deletes the
/// content of every namespaced kind (custom resources included), reports progress in the five
/// `NamespaceDeletion…`/`NamespaceContent…`/`NamespaceFinalizers…` conditions, and once nothing
/// is left removes the `kubernetes` finalizer through `finalize`, which lets the namespace go.
///
/// Level-triggered: every namespace change, and a short tick while any namespace is
/// terminating, re-examines each terminating namespace from the caches.
public struct NamespaceController: Service {
    let core: APIServerCore
    let logger: Logger
    let tick: Duration

    public init(core: APIServerCore, logger: Logger, tick: Duration = .milliseconds(250)) {
        self.core = core
        self.logger = logger
        self.tick = tick
    }

    var namespaces: ResourceType { core.catalog.lookup(group: "", version: "v1", plural: "namespaces")! }

    public func run() async throws {
        while !core.isReady { try await Task.sleep(for: .milliseconds(10)) }
        let cache = try core.registry.cache(namespaces)
        let tick = self.tick
        await cancelWhenGracefulShutdown {
            let (wake, input) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Namespace changes wake the controller; a watch the cache ended is reopened.
                    while !Task.isCancelled {
                        guard let (events, _) = try? cache.watch(from: .currentState, filter: .everything) else {
                            try? await Task.sleep(for: .milliseconds(100))
                            continue
                        }
                        for await _ in events { input.yield() }
                    }
                    input.finish()
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: tick)
                        input.yield()
                    }
                }
                for await _ in wake {
                    for ns in cache.objects()
                    where ns.object[path: ["metadata", "deletionTimestamp"]] != nil {
                        await reconcile(ns.name)
                    }
                }
                group.cancelAll()
            }
        }
    }

    /// One pass over a terminating namespace.
    func reconcile(_ name: String) async {
        guard let ns = try? core.registry.cache(namespaces).get(namespaces.key(namespace: nil, name: name)),
              ns.object[path: ["metadata", "deletionTimestamp"]] != nil else { return }
        let uid = ns.object.string("metadata", "uid")
        let specFinalizers = ns.object[path: ["spec", "finalizers"]]?.arrayValue ?? []
        guard specFinalizers.contains("kubernetes") else { return }
        var remaining: [String: Int] = [:]
        var finalizersLeft: [String: Int] = [:]
        var failures: [String] = []
        for r in core.catalog.storedResources where r.namespaced && r.verbs.contains("delete") {
            guard let cache = try? core.registry.cache(r) else { continue }
            // Content created a moment before the namespace was deleted must be seen too.
            try? await cache.waitUntilConsistent()
            let items = cache.list(prefix: r.keyPrefix(namespace: name), startKey: nil, limit: 0, filter: WatchFilter(namespace: name)).items
            if items.isEmpty { continue }
            let live = items.filter { $0.object[path: ["metadata", "deletionTimestamp"]] == nil }
            do {
                _ = try await core.registry.deleteAll(r, live, options: DeleteOptions(propagationPolicy: "Background"))
            } catch {
                failures.append("\(r.qualifiedResource): \(error.message)")
            }
            let left = cache.list(prefix: r.keyPrefix(namespace: name), startKey: nil, limit: 0, filter: WatchFilter(namespace: name)).items
            if !left.isEmpty {
                remaining["\(r.plural).\(r.group)", default: 0] += left.count
                for o in left {
                    for f in o.object[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                        finalizersLeft[f, default: 0] += 1
                    }
                }
            }
        }
        await writeConditions(name, remaining: remaining, finalizers: finalizersLeft, failures: failures)
        guard remaining.isEmpty else { return }
        do {
            _ = try await core.registry.guaranteedUpdate(namespaces, namespace: nil, name: name, precondition: nil,
                                                         options: WriteOptions(fieldManager: "namespace-controller")) { current throws(APIError) in
                guard current.string("metadata", "uid") == uid else { throw APIError.conflict(namespaces, name) }
                var next = current
                let rest = (current[path: ["spec", "finalizers"]]?.arrayValue ?? []).filter { $0 != "kubernetes" }
                next[path: ["spec", "finalizers"]] = .array(rest)
                return next
            }
        } catch where error.code == 404 || error.code == 409 {
            return
        } catch {
            logger.warning("finalizing namespace \(name): \(error)")
        }
    }

    /// The namespace deletion conditions, worded as upstream's namespace controller writes them.
    func writeConditions(_ name: String, remaining: [String: Int], finalizers: [String: Int], failures: [String]) async {
        let now = Timestamp.now()
        let content = remaining.isEmpty
            ? ("False", "ContentRemoved", "All content successfully removed")
            : ("True", "SomeResourcesRemain", "Some resources are remaining: " + remaining.keys.sorted().map { "\($0) has \(remaining[$0]!) resource instances" }.joined(separator: ", "))
        let finalizing = finalizers.isEmpty
            ? ("False", "ContentHasNoFinalizers", "All content-preserving finalizers finished")
            : ("True", "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: " + finalizers.keys.sorted().map { "\($0) in \(finalizers[$0]!) resource instances" }.joined(separator: ", "))
        let deletion = failures.isEmpty
            ? ("False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization")
            : ("True", "ContentDeletionFailed", "Failed to delete all resource types, \(failures.count) remaining: " + failures.sorted().joined(separator: ", "))
        let wanted: [(String, (String, String, String))] = [
            ("NamespaceDeletionDiscoveryFailure", ("False", "ResourcesDiscovered", "All resources successfully discovered")),
            ("NamespaceDeletionGroupVersionParsingFailure", ("False", "ParsedGroupVersions", "All legacy kube types successfully parsed")),
            ("NamespaceDeletionContentFailure", deletion),
            ("NamespaceContentRemaining", content),
            ("NamespaceFinalizersRemaining", finalizing),
        ]
        _ = try? await core.registry.guaranteedUpdate(namespaces, namespace: nil, name: name, precondition: nil,
                                                      options: WriteOptions(fieldManager: "namespace-controller")) { current throws(APIError) in
            var next = current
            for (type, (status, reason, message)) in wanted {
                Conditions.set(&next, type: type, status: status, reason: reason, message: message, now: now)
            }
            return next
        }
    }
}
