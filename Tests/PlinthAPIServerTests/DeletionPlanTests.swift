import PlinthAPIMachinery
@testable import PlinthAPIServer
import PlinthJSON
import Testing

/// What one DELETE does to an object, decided without a store.
@Suite("deletion plan")
struct DeletionPlanTests {
    let catalog = ResourceCatalog(BuiltinResources.all)
    var pods: ResourceType { catalog.lookup(group: "", version: "v1", plural: "pods")! }
    var configMaps: ResourceType { catalog.lookup(group: "", version: "v1", plural: "configmaps")! }
    var namespaces: ResourceType { catalog.lookup(group: "", version: "v1", plural: "namespaces")! }
    var jobs: ResourceType { catalog.lookup(group: "batch", version: "v1", plural: "jobs")! }
    let now: Int64 = 1_800_000_000

    func marked(_ plan: DeletionPlan) -> JSON? {
        if case .markDeleting(let o) = plan { return o }
        return nil
    }

    @Test func plainObjectsGoAtOnce() {
        #expect(DeletionPlan.make(configMaps, ["metadata": ["name": "a"]], DeleteOptions(), nowSeconds: now) == .deleteNow)
        #expect(DeletionPlan.make(configMaps, ["metadata": ["name": "a"]], DeleteOptions(propagationPolicy: "Background"), nowSeconds: now) == .deleteNow)
    }

    @Test func finalizersAndPoliciesMarkTheObject() {
        let held = marked(DeletionPlan.make(configMaps, ["metadata": ["name": "a", "finalizers": ["example.com/keep"]]], DeleteOptions(), nowSeconds: now))
        #expect(held?[path: ["metadata", "deletionTimestamp"]] == .string(RFC3339.format(seconds: now)))
        #expect(held?[path: ["metadata", "deletionGracePeriodSeconds"]] == 0)
        let foreground = marked(DeletionPlan.make(configMaps, ["metadata": ["name": "a"]], DeleteOptions(propagationPolicy: "Foreground"), nowSeconds: now))
        #expect(foreground?[path: ["metadata", "finalizers"]] == ["foregroundDeletion"])
        let orphan = marked(DeletionPlan.make(configMaps, ["metadata": ["name": "a", "finalizers": ["foregroundDeletion"]]],
                                              DeleteOptions(propagationPolicy: "Orphan"), nowSeconds: now))
        #expect(orphan?[path: ["metadata", "finalizers"]] == ["orphan"])
        // Jobs orphan their pods unless told otherwise.
        #expect(marked(DeletionPlan.make(jobs, ["metadata": ["name": "j"]], DeleteOptions(), nowSeconds: now))?[path: ["metadata", "finalizers"]] == ["orphan"])
    }

    @Test func scheduledPodsEndGracefully() {
        let pod: JSON = ["metadata": ["name": "p"], "spec": ["nodeName": "host-a", "terminationGracePeriodSeconds": 20]]
        let first = marked(DeletionPlan.make(pods, pod, DeleteOptions(), nowSeconds: now))
        #expect(first?[path: ["metadata", "deletionGracePeriodSeconds"]] == 20)
        #expect(first?[path: ["metadata", "deletionTimestamp"]] == .string(RFC3339.format(seconds: now + 20)))
        // A second delete may only shorten it; zero finishes it.
        #expect(marked(DeletionPlan.make(pods, first!, DeleteOptions(gracePeriodSeconds: 30), nowSeconds: now + 1)) == first)
        let shorter = marked(DeletionPlan.make(pods, first!, DeleteOptions(gracePeriodSeconds: 5), nowSeconds: now + 1))
        #expect(shorter?[path: ["metadata", "deletionGracePeriodSeconds"]] == 5)
        #expect(DeletionPlan.make(pods, first!, DeleteOptions(gracePeriodSeconds: 0), nowSeconds: now + 1) == .deleteNow)
        // Unscheduled pods have no agent to wait for.
        #expect(DeletionPlan.make(pods, ["metadata": ["name": "p"], "spec": [:]], DeleteOptions(), nowSeconds: now) == .deleteNow)
    }

    @Test func namespacesTerminate() {
        let ns = marked(DeletionPlan.make(namespaces, ["metadata": ["name": "n"], "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"]],
                                          DeleteOptions(), nowSeconds: now))
        #expect(ns?[path: ["status", "phase"]] == "Terminating")
        #expect(ns?[path: ["metadata", "deletionGracePeriodSeconds"]] == nil)
        #expect(DeletionPlan.finishedAfterUpdate(namespaces, ns!) == false)
        var finalized = ns!
        finalized[path: ["spec", "finalizers"]] = []
        #expect(DeletionPlan.finishedAfterUpdate(namespaces, finalized))
    }

    @Test func noNewFinalizersOnDeletingObjects() {
        let old: JSON = ["metadata": ["name": "a", "deletionTimestamp": "2026-01-01T00:00:00Z", "finalizers": ["a.io/x"]]]
        var next = old
        next[path: ["metadata", "finalizers"]] = ["a.io/x", "b.io/y"]
        #expect(throws: APIError.self) { try DeletionPlan.checkNoNewFinalizers(configMaps, next, old: old, name: "a") }
        do { try DeletionPlan.checkNoNewFinalizers(configMaps, next, old: old, name: "a") } catch {
            #expect(error.message == #"ConfigMap "a" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}"#)
        }
    }
}
