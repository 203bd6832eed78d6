import Foundation
import PlinthJSON
import Testing

/// How objects end, as a user sees it with kubectl: cascading deletion through owner
/// references (foreground, background, orphan), finalizers holding objects back, and namespace
/// deletion removing everything in it.
@Suite("object lifecycle", .plinthServer)
struct LifecycleTests {
    /// What `buildChain` made: the uids of each level.
    struct Chain {
        var deployment: String
        var replicaSet: String
        var pods: [String]
        var podNames: [String]
    }

    /// Deployment `d` → ReplicaSet `d-rs` → its two pods, linked by owner references (controller,
    /// blockOwnerDeletion). The Deployment is paused and the ReplicaSet is written by hand, so the
    /// deployment controller leaves it as it is; the ReplicaSet controller makes the pods (with
    /// `podFinalizers` from the template).
    func buildChain(_ s: PlinthServer, _ ns: String, podFinalizers: [String] = []) throws -> Chain {
        try apply(s, """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, namespace: \(ns), labels: {app: d}}
            spec:
              paused: true
              replicas: 2
              selector: {matchLabels: {app: d}}
              template:
                metadata: {labels: {app: d}}
                spec: {containers: [{name: c, image: busybox:1.36}]}
            """)
        let deployment = try uid(s, "deployment", "d", ns)
        try apply(s, """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: d-rs
              namespace: \(ns)
              labels: {app: d}
              ownerReferences:
              - {apiVersion: apps/v1, kind: Deployment, name: d, uid: \(deployment), controller: true, blockOwnerDeletion: true}
            spec:
              replicas: 2
              selector: {matchLabels: {app: d}}
              template:
                metadata: {labels: {app: d}, finalizers: [\(podFinalizers.joined(separator: ", "))]}
                spec: {containers: [{name: c, image: busybox:1.36}]}
            """)
        let replicaSet = try uid(s, "replicaset", "d-rs", ns)
        var owned: [JSON] = []
        let made = try eventually {
            let list = try JSON.parse(Array(s.kubectl("get", "pods", "-n", ns, "-o", "json").stdout.utf8))["items"]?.arrayValue ?? []
            owned = list.filter { $0[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?.string("uid") == replicaSet }
            return owned.count == 2
        }
        guard made else { throw TestFailure("ReplicaSet d-rs did not make its 2 pods") }
        let pods = owned.compactMap { $0.string("metadata", "uid") }, podNames = owned.compactMap { $0.string("metadata", "name") }
        return Chain(deployment: deployment, replicaSet: replicaSet, pods: pods, podNames: podNames)
    }

    func apply(_ s: PlinthServer, _ yaml: String) throws {
        let r = try s.kubectl(["apply", "-f", "-"], stdin: yaml)
        if r.status != 0 { throw TestFailure("kubectl apply: \(r.stderr)\n\(yaml)") }
    }

    func uid(_ s: PlinthServer, _ kind: String, _ name: String, _ ns: String) throws -> String {
        let r = try s.kubectl("get", kind, name, "-n", ns, "-o", "jsonpath={.metadata.uid}")
        guard r.status == 0, r.stdout.count == 36 else { throw TestFailure("uid of \(kind)/\(name): \(r.stderr)") }
        return r.stdout
    }

    /// The object as JSON, or nil when kubectl cannot get it (NotFound).
    func object(_ s: PlinthServer, _ kind: String, _ name: String, _ ns: String? = nil) throws -> JSON? {
        let r = try s.kubectl(["get", kind, name, "-o", "json"] + (ns.map { ["-n", $0] } ?? []))
        guard r.status == 0 else { return nil }
        return try JSON.parse(Array(r.stdout.utf8))
    }

    func finalizers(_ o: JSON?) -> [String] {
        o?[path: ["metadata", "finalizers"]]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    func isDeleting(_ o: JSON?) -> Bool {
        o?[path: ["metadata", "deletionTimestamp"]] != nil
    }

    /// Polls `check` every 100 ms until it holds or `timeout` seconds pass.
    func eventually(timeout: TimeInterval = 10, _ check: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try check() { return true }
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    func names(_ s: PlinthServer, _ kind: String, _ ns: String) throws -> [String] {
        try s.kubectl("get", kind, "-n", ns, "-o", "name").stdout.split(separator: "\n").map(String.init)
    }

    @Test func foregroundDeletionWaitsForDependents() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("fg")
        let chain = try buildChain(s, ns, podFinalizers: ["example.com/hold"])

        let deleted = try s.kubectl("delete", "deploy", "d", "-n", ns, "--cascade=foreground", "--wait=false")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains(#"deployment.apps "d" deleted"#))

        // Deletion runs down the chain; every level stays while something below it remains.
        let propagated = try eventually {
            let rs = try object(s, "rs", "d-rs", ns)
            let pods = try chain.podNames.map { try object(s, "pod", $0, ns) }
            return isDeleting(rs) && pods.allSatisfy { isDeleting($0) }
        }
        #expect(propagated, "the ReplicaSet and the pods get a deletionTimestamp")
        let deployment = try object(s, "deploy", "d", ns)
        #expect(deployment?.string("metadata", "uid") == chain.deployment)
        #expect(isDeleting(deployment))
        #expect(finalizers(deployment).contains("foregroundDeletion"), "\(finalizers(deployment))")
        let rs = try object(s, "rs", "d-rs", ns)
        #expect(rs?.string("metadata", "uid") == chain.replicaSet)
        #expect(isDeleting(rs))
        #expect(finalizers(rs).contains("foregroundDeletion"), "\(finalizers(rs))")
        for (i, podUID) in chain.pods.enumerated() {
            let pod = try object(s, "pod", chain.podNames[i], ns)
            #expect(pod?.string("metadata", "uid") == podUID)
            #expect(isDeleting(pod))
            #expect(finalizers(pod) == ["example.com/hold"])
        }
        // Still held a moment later: nothing finishes while the pods' finalizer stays.
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try object(s, "deploy", "d", ns) != nil)
        #expect(try object(s, "rs", "d-rs", ns) != nil)

        for name in chain.podNames {
            let released = try s.kubectl("patch", "pod", name, "-n", ns, "--type=json", "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#)
            #expect(released.status == 0, "\(released.stderr)")
        }
        let allGone = try eventually {
            try object(s, "deploy", "d", ns) == nil && object(s, "rs", "d-rs", ns) == nil && names(s, "pods", ns).isEmpty
        }
        #expect(allGone, "deployment, ReplicaSet and pods are all deleted once the pods' finalizers are removed")
        let missing = try s.kubectl("get", "deploy", "d", "-n", ns)
        #expect(missing.stderr.contains(#"deployments.apps "d" not found"#), "\(missing.stderr)")
    }

    @Test func backgroundDeletionCollectsDependents() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("bg")
        _ = try buildChain(s, ns)
        let deleted = try s.kubectl("delete", "deploy", "d", "-n", ns)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains(#"deployment.apps "d" deleted"#))
        #expect(try object(s, "deploy", "d", ns) == nil, "the owner goes at once")
        let collected = try eventually {
            try object(s, "rs", "d-rs", ns) == nil && names(s, "pods", ns).isEmpty
        }
        #expect(collected, "the ReplicaSet and its pods are garbage-collected")
    }

    @Test func orphanDeletionKeepsDependents() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("orphan")
        let chain = try buildChain(s, ns)
        let deleted = try s.kubectl("delete", "deploy", "d", "-n", ns, "--cascade=orphan")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains(#"deployment.apps "d" deleted"#))
        let ownerGone = try eventually { try object(s, "deploy", "d", ns) == nil }
        #expect(ownerGone, "the deployment goes")

        let orphaned = try eventually {
            let rs = try object(s, "rs", "d-rs", ns)
            return rs != nil && rs?[path: ["metadata", "ownerReferences"]] == nil
        }
        #expect(orphaned, "the ReplicaSet stays, without owner references")
        // Give a collector time to do the wrong thing, then check that nothing went.
        Thread.sleep(forTimeInterval: 1.5)
        let rs = try object(s, "rs", "d-rs", ns)
        #expect(rs?.string("metadata", "uid") == chain.replicaSet)
        #expect(rs?[path: ["metadata", "ownerReferences"]] == nil)
        #expect(!isDeleting(rs))
        for (i, podUID) in chain.pods.enumerated() {
            let pod = try object(s, "pod", chain.podNames[i], ns)
            #expect(pod?.string("metadata", "uid") == podUID, "pod \(chain.podNames[i]) stays")
            #expect(!isDeleting(pod))
            let refs = pod?[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
            #expect(refs.count == 1)
            #expect(refs.first?.string("kind") == "ReplicaSet")
            #expect(refs.first?.string("uid") == chain.replicaSet, "pods keep their ReplicaSet as owner")
        }
    }

    @Test func finalizerHoldsAnObject() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("fin")
        try apply(s, """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: x, namespace: \(ns), finalizers: [example.com/keep]}
            data: {k: v}
            """)
        let deleted = try s.kubectl("delete", "cm", "x", "-n", ns, "--wait=false")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains(#"configmap "x" deleted"#))
        let held = try object(s, "cm", "x", ns)
        #expect(held != nil, "the finalizer keeps it")
        #expect(isDeleting(held))
        #expect(finalizers(held) == ["example.com/keep"])

        // No new finalizers on an object being deleted; other changes are still allowed.
        let more = try s.kubectl("patch", "cm", "x", "-n", ns, "--type=json", "-p", #"[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/more"}]"#)
        #expect(more.status != 0)
        #expect(more.stderr.contains("no new finalizers can be added if the object is being deleted"), "\(more.stderr)")
        let unchanged = try object(s, "cm", "x", ns)
        #expect(finalizers(unchanged) == ["example.com/keep"])
        let edit = try s.kubectl("patch", "cm", "x", "-n", ns, "--type=merge", "-p", #"{"data":{"k":"changed"}}"#)
        #expect(edit.status == 0, "\(edit.stderr)")
        // Deleting again changes nothing.
        let again = try s.kubectl("delete", "cm", "x", "-n", ns, "--wait=false")
        #expect(again.status == 0, "\(again.stderr)")
        let stillHeld = try object(s, "cm", "x", ns)
        #expect(stillHeld?.string("metadata", "deletionTimestamp") == held?.string("metadata", "deletionTimestamp"))

        let released = try s.kubectl("patch", "cm", "x", "-n", ns, "--type=json", "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#)
        #expect(released.status == 0, "\(released.stderr)")
        let gone = try eventually { try object(s, "cm", "x", ns) == nil }
        #expect(gone, "gone once the last finalizer is removed")
    }

    @Test func namespaceDeletionRemovesEverything() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("nsdel")
        let suffix = String(ns.split(separator: "-").last ?? "x")
        let group = "ns-\(suffix).example.com"
        let plural = "things\(suffix)"
        let kind = "Thing\(suffix)"
        try apply(s, """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: \(plural).\(group)}
            spec:
              group: \(group)
              scope: Namespaced
              names: {plural: \(plural), singular: thing\(suffix), kind: \(kind)}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec: {type: object, properties: {size: {type: integer}}}
            """)
        let served = try eventually { try s.kubectl("get", plural, "-n", ns).status == 0 }
        #expect(served, "\(plural) served")
        try apply(s, """
            apiVersion: \(group)/v1
            kind: \(kind)
            metadata: {name: t, namespace: \(ns)}
            spec: {size: 1}
            """)
        #expect(try s.kubectl("create", "configmap", "c", "-n", ns, "--from-literal=a=b").status == 0)
        #expect(try s.kubectl("create", "secret", "generic", "s", "-n", ns, "--from-literal=a=b").status == 0)
        #expect(try s.kubectl("create", "deployment", "d", "-n", ns, "--image=busybox:1.36").status == 0)
        #expect(try s.kubectl("create", "serviceaccount", "robot", "-n", ns).status == 0)

        let deleted = try s.kubectl(["delete", "ns", ns, "--timeout=10s"], timeout: 20)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains(#"namespace "\#(ns)" deleted"#))
        let gone = try s.kubectl("get", "ns", ns)
        #expect(gone.status == 1)
        #expect(gone.stderr.contains(#"namespaces "\#(ns)" not found"#), "\(gone.stderr)")
        // The custom resource went with it (the definition itself stays).
        let things = try s.kubectl("get", plural, "-A", "-o", "name")
        #expect(things.status == 0, "\(things.stderr)")
        #expect(things.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(things.stdout)")
        for resource in ["configmaps", "secrets", "deployments", "serviceaccounts"] {
            let left = try s.kubectl("get", resource, "-n", ns, "-o", "name")
            #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(resource) left: \(left.stdout)")
        }
    }

    @Test func terminatingNamespaceWaitsForFinalizers() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("nsterm")
        try apply(s, """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: held, namespace: \(ns), finalizers: [example.com/keep]}
            """)
        let deleted = try s.kubectl("delete", "ns", ns, "--wait=false")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try s.kubectl("get", "ns", ns, "-o", "jsonpath={.status.phase}").stdout == "Terminating")
        let table = try s.kubectl("get", "ns", ns)
        #expect(table.stdout.range(of: #"\#(ns)\s+Terminating"#, options: .regularExpression) != nil, "\(table.stdout)")

        let refused = try s.kubectl("create", "configmap", "new", "-n", ns)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("forbidden: unable to create new content in namespace \(ns) because it is being terminated"), "\(refused.stderr)")

        // The namespace controller reports what it waits for.
        func condition(_ type: String) throws -> JSON? {
            try object(s, "ns", ns)?[path: ["status", "conditions"]]?.arrayValue?.first { $0.string("type") == type }
        }
        let reported = try eventually {
            try condition("NamespaceContentRemaining")?.string("status") == "True"
                && condition("NamespaceFinalizersRemaining")?.string("status") == "True"
        }
        let conditions = try object(s, "ns", ns)?[path: ["status", "conditions"]]
        #expect(reported, "conditions: \(String(describing: conditions))")
        let content = try condition("NamespaceContentRemaining")
        #expect(content?.string("reason") == "SomeResourcesRemain")
        #expect(content?.string("message")?.contains("configmaps. has 1 resource instances") == true, "\(String(describing: content))")
        let finalizing = try condition("NamespaceFinalizersRemaining")
        #expect(finalizing?.string("reason") == "SomeFinalizersRemain")
        #expect(finalizing?.string("message")?.contains("example.com/keep in 1 resource instances") == true, "\(String(describing: finalizing))")
        let held = try object(s, "cm", "held", ns)
        #expect(isDeleting(held), "the content is being deleted")

        let released = try s.kubectl("patch", "cm", "held", "-n", ns, "--type=json", "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#)
        #expect(released.status == 0, "\(released.stderr)")
        let gone = try eventually { try s.kubectl("get", "ns", ns).status == 1 }
        #expect(gone, "the namespace goes once its content is gone")
        #expect(try s.kubectl("get", "ns", ns).stderr.contains(#"namespaces "\#(ns)" not found"#))
    }

    /// A pod on a host is deleted gracefully: it stays, marked, for its grace period, then goes
    /// (no host agent runs it here, so the grace period finishes it).
    @Test func scheduledPodEndsAfterItsGracePeriod() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("grace")
        try apply(s, """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: \(ns)}
            spec:
              nodeName: host-without-agent
              terminationGracePeriodSeconds: 2
              containers: [{name: c, image: busybox:1.36}]
            """)
        let deleted = try s.kubectl("delete", "pod", "p", "-n", ns, "--wait=false")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let marked = try object(s, "pod", "p", ns)
        #expect(isDeleting(marked), "the pod stays while its grace period runs")
        #expect(marked?[path: ["metadata", "deletionGracePeriodSeconds"]] == 2)
        #expect(try eventually(timeout: 10) { try object(s, "pod", "p", ns) == nil }, "gone once the grace period is over")
        // Unscheduled pods go at once.
        try apply(s, "apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: \(ns)}\nspec:\n  containers: [{name: c, image: busybox:1.36}]\n")
        #expect(try s.kubectl("delete", "pod", "q", "-n", ns, "--wait=false").status == 0)
        #expect(try object(s, "pod", "q", ns) == nil)
    }

    /// The collector follows owner references of every kind: a cluster-scoped custom resource
    /// owns a namespaced custom resource, which owns a ConfigMap; deleting the top removes both.
    @Test func customResourcesOwnAndAreCollected() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("gccr")
        let suffix = String(ns.split(separator: "-").last ?? "x")
        let group = "gc-\(suffix).example.com"
        for (plural, kind, scope) in [("clusters\(suffix)", "Cluster\(suffix)", "Cluster"), ("parts\(suffix)", "Part\(suffix)", "Namespaced")] {
            try apply(s, """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: \(plural).\(group)}
                spec:
                  group: \(group)
                  scope: \(scope)
                  names: {plural: \(plural), singular: \(kind.lowercased()), kind: \(kind)}
                  versions:
                  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
                """)
            #expect(try eventually { try s.kubectl("get", plural, "-A").status == 0 }, "\(plural) served")
        }
        try apply(s, "apiVersion: \(group)/v1\nkind: Cluster\(suffix)\nmetadata: {name: top-\(suffix)}\n")
        let top = try s.kubectl("get", "clusters\(suffix)", "top-\(suffix)", "-o", "jsonpath={.metadata.uid}").stdout
        try apply(s, """
            apiVersion: \(group)/v1
            kind: Part\(suffix)
            metadata:
              name: part
              namespace: \(ns)
              ownerReferences: [{apiVersion: \(group)/v1, kind: Cluster\(suffix), name: top-\(suffix), uid: \(top)}]
            """)
        let part = try uid(s, "parts\(suffix)", "part", ns)
        try apply(s, """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: leaf
              namespace: \(ns)
              ownerReferences: [{apiVersion: \(group)/v1, kind: Part\(suffix), name: part, uid: \(part)}]
            """)
        // Owners that exist keep their dependents.
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try object(s, "configmap", "leaf", ns) != nil)
        #expect(try s.kubectl("delete", "clusters\(suffix)", "top-\(suffix)").status == 0)
        #expect(try eventually { try object(s, "parts\(suffix)", "part", ns) == nil && object(s, "configmap", "leaf", ns) == nil },
                "the namespaced custom resource and its ConfigMap are collected")
        for plural in ["clusters\(suffix)", "parts\(suffix)"] { _ = try s.kubectl("delete", "crd", "\(plural).\(group)", "--wait=false") }
    }

    @Test func defaultNamespaceCannotBeDeleted() throws {
        let s = try sharedServer()
        let r = try s.kubectl("delete", "ns", "default")
        #expect(r.status == 1)
        #expect(r.stderr.contains(#"namespaces "default" is forbidden: this namespace may not be deleted"#), "\(r.stderr)")
        let still = try object(s, "ns", "default")
        #expect(still?.string("status", "phase") == "Active")
        #expect(!isDeleting(still))
    }
}
