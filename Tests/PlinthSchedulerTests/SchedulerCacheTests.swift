import PlinthAPIMachinery
@testable import PlinthAPIServer
import PlinthJSON
@testable import PlinthScheduler
import Testing

/// The scheduler's incremental view of nodes and what their pods request.
@Suite("scheduler cache")
struct SchedulerCacheTests {
    let podType = BuiltinResources.all.first { $0.group.isEmpty && $0.plural == "pods" }!
    let nodeType = BuiltinResources.all.first { $0.group.isEmpty && $0.plural == "nodes" }!

    func node(_ name: String, cpu: String = "4", heartbeat: String = "t0") -> CachedObject {
        let o: JSON = ["metadata": ["name": .string(name)],
                       "status": ["allocatable": ["cpu": .string(cpu), "memory": "8Gi", "pods": "110"],
                                  "conditions": [["type": "Ready", "status": "True", "lastHeartbeatTime": .string(heartbeat)]]]]
        return CachedObject(key: nodeType.key(namespace: nil, name: name), object: o, bytes: o.serialized(), revision: 1, createRevision: 1)
    }

    func pod(_ name: String, on node: String?, cpu: String = "1", phase: String = "Running", revision: Int64 = 1) -> CachedObject {
        var o: JSON = ["metadata": ["name": .string(name), "namespace": "ns"],
                       "spec": ["containers": [["name": "c", "resources": ["requests": ["cpu": .string(cpu)]]]]],
                       "status": ["phase": .string(phase)]]
        if let node { o[path: ["spec", "nodeName"]] = .string(node) }
        return CachedObject(key: podType.key(namespace: "ns", name: name), object: o, bytes: o.serialized(), revision: revision, createRevision: 1)
    }

    func cpu(_ cache: SchedulerCache, _ node: String) async -> String {
        await cache.snapshot().first { $0.name == node }?.requested["cpu"]?.description ?? "none"
    }

    @Test func countsBoundPodsAndFollowsChanges() async {
        let cache = SchedulerCache()
        await cache.load(nodes: [node("b"), node("a")], pods: [pod("p1", on: "a"), pod("p2", on: nil)])
        #expect(await cache.snapshot().map(\.name) == ["a", "b"])
        #expect(await cpu(cache, "a") == "1")

        // Bound, moved, finished, deleted.
        await cache.apply(ObjectChange(resource: podType, event: .modified(pod("p2", on: "b", cpu: "500m"))))
        #expect(await cpu(cache, "b") == "500m")
        await cache.apply(ObjectChange(resource: podType, event: .modified(pod("p1", on: "a", phase: "Succeeded"))))
        #expect(await cpu(cache, "a") == "0")
        await cache.apply(ObjectChange(resource: podType, event: .deleted(pod("p2", on: "b"))))
        #expect(await cache.snapshot().allSatisfy { $0.podCount == 0 })

        // A node changing keeps its pods; a node seen after its pods counts them.
        await cache.apply(ObjectChange(resource: podType, event: .added(pod("p3", on: "c"))))
        #expect(await cache.apply(ObjectChange(resource: nodeType, event: .added(node("c")))))
        #expect(await cpu(cache, "c") == "1")
        // Only what placement reads counts as a change: a heartbeat does not, more room does.
        #expect(await !cache.apply(ObjectChange(resource: nodeType, event: .modified(node("c", heartbeat: "t1")))))
        #expect(await cpu(cache, "c") == "1")
        #expect(await cache.apply(ObjectChange(resource: nodeType, event: .modified(node("c", cpu: "8")))))
        #expect(await cpu(cache, "c") == "1")
        #expect(await cache.snapshot().map(\.name) == ["a", "b", "c"])
        await cache.apply(ObjectChange(resource: nodeType, event: .deleted(node("b"))))
        #expect(await cache.snapshot().map(\.name) == ["a", "c"])
    }

    @Test func assumedPodsCountUntilForgottenOrConfirmed() async {
        let cache = SchedulerCache()
        await cache.load(nodes: [node("a"), node("b")], pods: [])
        let p = pod("p", on: nil)
        await cache.assume(p.key, on: "a", PodInfo(pod("p", on: "a").object))
        #expect(await cpu(cache, "a") == "1")
        // An older event still showing the pod unbound does not uncount it.
        await cache.apply(ObjectChange(resource: podType, event: .modified(p)))
        #expect(await cpu(cache, "a") == "1")
        // A failed binding is forgotten.
        await cache.forget(p.key)
        #expect(await cpu(cache, "a") == "0")
        // Once an event shows it bound (elsewhere), forget leaves it.
        await cache.assume(p.key, on: "a", PodInfo(pod("p", on: "a").object))
        await cache.apply(ObjectChange(resource: podType, event: .modified(pod("p", on: "b", revision: 2))))
        await cache.forget(p.key)
        #expect(await cpu(cache, "a") == "0")
        #expect(await cpu(cache, "b") == "1")
    }
}
