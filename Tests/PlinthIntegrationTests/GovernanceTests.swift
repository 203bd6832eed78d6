import Foundation
import PlinthJSON
import Testing

/// Namespaces as the unit of governance: quota that holds under concurrency and speaks
/// upstream's messages, LimitRange defaults and checks, NamespacePolicy materialising quota,
/// limits and bindings, and self-service namespaces from templates.
@Suite("namespace governance", .plinthServer)
struct GovernanceTests {
    func apply(_ s: PlinthServer, _ yaml: String, namespace: String? = nil) throws {
        let r = try s.kubectl(["apply", "-f", "-"] + (namespace.map { ["-n", $0] } ?? []), stdin: yaml)
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// Waits until the quota controller has filled `status.used` for every limited resource.
    func waitForQuota(_ s: PlinthServer, _ ns: String, _ name: String) throws {
        for _ in 0..<100 {
            let hard = try s.kubectl("get", "quota", name, "-n", ns, "-o", "jsonpath={.spec.hard}").stdout
            let status = try s.kubectl("get", "quota", name, "-n", ns, "-o", "jsonpath={.status.hard}").stdout
            if !hard.isEmpty && hard == status { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("quota \(ns)/\(name) never got a status")
    }

    @Test func concurrentCreatesAdmitExactlyTheQuota() async throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("burst")
        #expect(try s.kubectl("create", "quota", "q", "--hard=pods=10", "-n", ns).status == 0)
        try waitForQuota(s, ns, "q")
        let codes = try await APIClient.with(s, connections: 16) { client in
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for i in 0..<50 {
                    group.addTask {
                        let pod: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string("p-\(i)")],
                                         "spec": ["containers": [["name": "c", "image": "busybox"]]]]
                        let (status, body) = try await client.send(.POST, "/api/v1/namespaces/\(ns)/pods", body: pod)
                        return (status, body?.string("message") ?? "")
                    }
                }
                var out: [(Int, String)] = []
                for try await r in group { out.append(r) }
                return out
            }
        }
        #expect(codes.filter { $0.0 == 201 }.count == 10)
        let refused = codes.filter { $0.0 == 403 }
        #expect(refused.count == 40)
        #expect(refused.allSatisfy { $0.1.hasSuffix("is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10") }, "\(refused.first?.1 ?? "")")
        let pods = try s.kubectl("get", "pods", "-n", ns, "-o", "name").stdout.split(separator: "\n")
        #expect(pods.count == 10)
        #expect(try s.kubectl("get", "quota", "q", "-n", ns, "-o", "jsonpath={.status.used.pods}").stdout == "10")
        try await Task.sleep(for: .milliseconds(300))
        let audited = try IdentityTests.auditEvents(s).filter { $0.string("objectRef", "namespace") == ns && $0.string("verb") == "create" && $0.string("objectRef", "resource") == "pods" }
        #expect(audited.filter { $0[path: ["responseStatus", "code"]]?.intValue == 201 }.count == 10)
        #expect(audited.filter { $0[path: ["responseStatus", "code"]]?.intValue == 403 }.count == 40)

        // Deleting pods gives the quota back (the controller recomputes usage).
        #expect(try s.kubectl("delete", "pod", "p-0", "p-1", "p-2", "p-3", "p-4", "p-5", "p-6", "p-7", "p-8", "p-9",
                              "p-10", "p-11", "p-12", "p-13", "p-14", "p-15", "p-16", "p-17", "p-18", "p-19",
                              "p-20", "p-21", "p-22", "p-23", "p-24", "p-25", "p-26", "p-27", "p-28", "p-29",
                              "p-30", "p-31", "p-32", "p-33", "p-34", "p-35", "p-36", "p-37", "p-38", "p-39",
                              "p-40", "p-41", "p-42", "p-43", "p-44", "p-45", "p-46", "p-47", "p-48", "p-49",
                              "-n", ns, "--ignore-not-found", "--wait=false").status == 0)
        var used = ""
        for _ in 0..<100 {
            used = try s.kubectl("get", "quota", "q", "-n", ns, "-o", "jsonpath={.status.used.pods}").stdout
            if used == "0" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(used == "0")
        #expect(try s.kubectl("run", "again", "--image=busybox", "-n", ns).status == 0)
    }

    @Test func quotaMessagesMatchUpstream() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("quota")
        #expect(try s.kubectl("create", "quota", "q", "-n", ns,
                              "--hard=limits.memory=512Mi,requests.cpu=1,count/configmaps=1,fast.storageclass.storage.k8s.io/requests.storage=1Gi").status == 0)
        try waitForQuota(s, ns, "q")
        let bare = try s.kubectl("run", "p1", "--image=busybox", "-n", ns)
        #expect(bare.stderr == "Error from server (Forbidden): pods \"p1\" is forbidden: failed quota: q: must specify limits.memory for: p1; requests.cpu for: p1\n")
        let big = try s.kubectl("run", "p2", "--image=busybox", "-n", ns, "--overrides",
                                #"{"spec":{"containers":[{"name":"p2","image":"busybox","resources":{"limits":{"memory":"1Gi"},"requests":{"cpu":"100m"}}}]}}"#)
        #expect(big.stderr == "Error from server (Forbidden): pods \"p2\" is forbidden: exceeded quota: q, requested: limits.memory=1Gi, used: limits.memory=0, limited: limits.memory=512Mi\n")
        let fits = try s.kubectl("run", "p3", "--image=busybox", "-n", ns, "--overrides",
                                 #"{"spec":{"containers":[{"name":"p3","image":"busybox","resources":{"limits":{"memory":"256Mi"},"requests":{"cpu":"600m"}}}]}}"#)
        #expect(fits.status == 0, "\(fits.stderr)")
        let cpu = try s.kubectl("run", "p4", "--image=busybox", "-n", ns, "--overrides",
                                #"{"spec":{"containers":[{"name":"p4","image":"busybox","resources":{"limits":{"memory":"256Mi"},"requests":{"cpu":"600m"}}}]}}"#)
        #expect(cpu.stderr == "Error from server (Forbidden): pods \"p4\" is forbidden: exceeded quota: q, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1\n")
        #expect(try s.kubectl("create", "configmap", "a", "-n", ns).status == 0)
        let second = try s.kubectl("create", "configmap", "b", "-n", ns)
        #expect(second.stderr == "error: failed to create configmap: configmaps \"b\" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1\n")
        let claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: c1}
            spec: {storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
            """
        let pvc = try s.kubectl(["create", "-f", "-", "-n", ns], stdin: claim)
        #expect(pvc.stderr.contains("persistentvolumeclaims \"c1\" is forbidden: exceeded quota: q, requested: fast.storageclass.storage.k8s.io/requests.storage=2Gi, used: fast.storageclass.storage.k8s.io/requests.storage=0, limited: fast.storageclass.storage.k8s.io/requests.storage=1Gi"), "\(pvc.stderr)")
        let other = try s.kubectl(["create", "-f", "-", "-n", ns], stdin: claim.replacingOccurrences(of: "fast", with: "slow"))
        #expect(other.status == 0, "\(other.stderr)")
        let described = try s.kubectl("describe", "namespace", ns).stdout
        #expect(described.contains("count/configmaps") && described.contains("limits.memory") && described.contains("256Mi"), "\(described)")
    }

    @Test func limitRangeDefaultsAndBounds() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("limits")
        try apply(s, """
            apiVersion: v1
            kind: LimitRange
            metadata: {name: lr}
            spec:
              limits:
              - type: Container
                min: {cpu: 100m}
                max: {memory: 1Gi}
                default: {cpu: 200m, memory: 256Mi}
                defaultRequest: {cpu: 150m}
            """, namespace: ns)
        #expect(try s.kubectl("run", "d1", "--image=busybox", "-n", ns).status == 0)
        let pod = try JSON.parse(Array(try s.kubectl("get", "pod", "d1", "-n", ns, "-o", "json").stdout.utf8))
        #expect(pod[path: ["spec", "containers"]]?.arrayValue?.first?["resources"] ==
                ["limits": ["cpu": "200m", "memory": "256Mi"], "requests": ["cpu": "150m", "memory": "256Mi"]])
        #expect(pod.string("metadata", "annotations", "kubernetes.io/limit-ranger") == "LimitRanger plugin set: cpu, memory request for container d1; cpu, memory limit for container d1")
        #expect(pod.string("status", "qosClass") == "Burstable")
        let small = try s.kubectl("run", "d2", "--image=busybox", "-n", ns, "--overrides",
                                  #"{"spec":{"containers":[{"name":"d2","image":"busybox","resources":{"requests":{"cpu":"50m"}}}]}}"#)
        #expect(small.stderr == "Error from server (Forbidden): pods \"d2\" is forbidden: minimum cpu usage per Container is 100m, but request is 50m\n")
        let large = try s.kubectl("run", "d3", "--image=busybox", "-n", ns, "--overrides",
                                  #"{"spec":{"containers":[{"name":"d3","image":"busybox","resources":{"limits":{"memory":"2Gi"}}}]}}"#)
        #expect(large.stderr == "Error from server (Forbidden): pods \"d3\" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi\n")
    }

    @Test func namespacePolicyMaterialisesQuotaLimitsAndAccess() throws {
        let s = try sharedServer()
        let name = "team-\(UUID().uuidString.prefix(5).lowercased())"
        try apply(s, """
            apiVersion: plinth.dev/v1alpha1
            kind: NamespacePolicy
            metadata: {name: \(name)}
            spec:
              limits: {cpu: "2", memory: 2Gi, storage: 10Gi}
              storageClasses: [{name: fast, limit: 5Gi}]
              objectCounts: {pods: 10, configmaps: 5}
              defaultContainer: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
              access:
              - {role: EDIT, user: alice-\(name)}
              - {role: VIEW, group: viewers-\(name)}
            """)
        var ready = ""
        for _ in 0..<100 {
            ready = try s.kubectl("get", "nspolicy", name, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").stdout
            if ready == "True" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(ready == "True")
        let hard = try JSON.parse(Array(try s.kubectl("get", "quota", "plinth-policy", "-n", name, "-o", "jsonpath={.spec.hard}").stdout.utf8))
        #expect(hard == ["count/configmaps": "5", "count/pods": "10", "fast.storageclass.storage.k8s.io/requests.storage": "5Gi",
                         "limits.cpu": "2", "limits.memory": "2Gi", "requests.storage": "10Gi"])
        #expect(try s.kubectl("get", "rolebinding", "plinth:edit", "-n", name, "-o", "jsonpath={.roleRef.name} {.subjects[0].name}").stdout == "edit alice-\(name)")
        #expect(try s.kubectl("get", "rolebinding", "plinth:view", "-n", name, "-o", "jsonpath={.roleRef.name} {.subjects[0].name}").stdout == "view viewers-\(name)")
        // Pods get the default container size, so the pool's CPU/memory limits can be charged.
        #expect(try s.kubectl("run", "web", "--image=busybox", "-n", name).status == 0)
        try waitForQuota(s, name, "plinth-policy")
        #expect(try s.kubectl("get", "quota", "plinth-policy", "-n", name, "-o", "jsonpath={.status.used.limits\\.cpu}").stdout == "200m")
        #expect(try s.kubectl("auth", "can-i", "create", "deployments", "-n", name, "--as", "alice-\(name)").stdout == "yes\n")

        // Dropping a grant and the defaults removes the binding and the LimitRange.
        #expect(try s.kubectl("patch", "nspolicy", name, "--type=json",
                              "-p", #"[{"op":"remove","path":"/spec/access/1"},{"op":"remove","path":"/spec/defaultContainer"}]"#).status == 0)
        var gone = false
        for _ in 0..<100 {
            let left = try s.kubectl("get", "rolebinding", "plinth:view", "limitrange", "plinth-policy", "-n", name, "--ignore-not-found", "-o", "name").stdout
            if left.isEmpty { gone = true; break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(gone)
    }

    @Test func selfServiceNamespacesFollowTheirTemplate() throws {
        let s = try sharedServer()
        let id = String(UUID().uuidString.prefix(5)).lowercased()
        let sam = "sam-\(id)"
        try apply(s, """
            apiVersion: plinth.dev/v1alpha1
            kind: NamespaceTemplate
            metadata: {name: small-\(id)}
            spec:
              allowed: [{user: \(sam)}]
              policy:
                objectCounts: {configmaps: 3}
                defaultContainer: {limits: {cpu: 500m, memory: 256Mi}}
            """)
        var env = ProcessInfo.processInfo.environment
        env["KUBECONFIG"] = s.kubeconfig
        env["PLINTH_PASSWORD"] = "sam-pw"
        #expect(try CommandResult.run(PlinthServer.binary, ["user", "add", sam], environment: env, timeout: 60).status == 0)
        let user = try IdentityTests.UserSession(s, sam)
        #expect(try user.login(password: "sam-pw").status == 0)
        let context = s.url.replacingOccurrences(of: "https://", with: "")
        var created = try user.kubectl("--context", context, "create", "namespace", "mine-\(id)")
        for _ in 0..<50 where created.status != 0 {  // the creator binding follows the template within moments
            Thread.sleep(forTimeInterval: 0.1)
            created = try user.kubectl("--context", context, "create", "namespace", "mine-\(id)")
        }
        #expect(created.status == 0, "\(created.stderr)")
        var binding = ""
        for _ in 0..<100 {
            binding = try s.kubectl("get", "rolebinding", "plinth:edit", "-n", "mine-\(id)", "--ignore-not-found", "-o", "jsonpath={.subjects[0].name}").stdout
            if binding == sam { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(binding == sam)
        #expect(try s.kubectl("get", "quota", "plinth-policy", "-n", "mine-\(id)", "-o", "jsonpath={.spec.hard}").stdout == #"{"count/configmaps":"3"}"#)
        #expect(try s.kubectl("get", "limitrange", "plinth-policy", "-n", "mine-\(id)", "-o", "name").status == 0)
        var cm = try user.kubectl("--context", context, "create", "configmap", "x", "-n", "mine-\(id)")
        for _ in 0..<50 where cm.status != 0 {
            Thread.sleep(forTimeInterval: 0.1)
            cm = try user.kubectl("--context", context, "create", "configmap", "x", "-n", "mine-\(id)")
        }
        #expect(cm.status == 0, "\(cm.stderr)")
        #expect(try s.kubectl("get", "ns", "mine-\(id)", "-o", "jsonpath={.metadata.annotations.plinth\\.dev/created-by}").stdout == sam)

        // Someone no template allows gets upstream's 403.
        let other = try user.kubectl("--context", context, "--as", "nobody", "create", "namespace", "x-\(id)")
        #expect(other.status != 0)
        #expect(try s.kubectl("create", "namespace", "y-\(id)", "--as", "nobody-\(id)").stderr ==
                "Error from server (Forbidden): namespaces is forbidden: User \"nobody-\(id)\" cannot create resource \"namespaces\" in API group \"\" at the cluster scope\n")
    }

    @Test func ownersMayCreateNamespaces() throws {
        let s = try sharedServer()
        let id = String(UUID().uuidString.prefix(5)).lowercased()
        try apply(s, """
            apiVersion: plinth.dev/v1alpha1
            kind: NamespacePolicy
            metadata: {name: owned-\(id)}
            spec:
              access: [{role: OWNER, user: carol-\(id)}]
            """)
        var r = try s.kubectl("create", "namespace", "carols-\(id)", "--as", "carol-\(id)")
        for _ in 0..<50 where r.status != 0 {
            Thread.sleep(forTimeInterval: 0.1)
            r = try s.kubectl("create", "namespace", "carols-\(id)", "--as", "carol-\(id)")
        }
        #expect(r.status == 0, "\(r.stderr)")
        // The new namespace is hers: OWNER there, so she may delete it.
        var del = try s.kubectl("delete", "namespace", "carols-\(id)", "--as", "carol-\(id)", "--wait=false")
        for _ in 0..<50 where del.status != 0 {
            Thread.sleep(forTimeInterval: 0.1)
            del = try s.kubectl("delete", "namespace", "carols-\(id)", "--as", "carol-\(id)", "--wait=false")
        }
        #expect(del.status == 0, "\(del.stderr)")
        #expect(try s.kubectl("delete", "namespace", "owned-\(id)", "--as", "carol-\(id)", "--wait=false").status == 0)
        #expect(try s.kubectl("delete", "namespace", "default", "--as", "carol-\(id)").stderr.contains("cannot delete resource \"namespaces\""))
    }
}
