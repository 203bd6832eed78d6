import Foundation
import PlinthJSON
import Testing

/// The workload controllers against the real server, real kubectl and `plinth agent --runtime
/// fake` (pods go Running and Ready without processes): a Deployment rolls out, rolls to a new
/// image and back with `kubectl rollout`, scales, keeps its pods when one is deleted, pauses,
/// and its ReplicaSets and pods go with it; Recreate replaces everything at once; a ReplicaSet
/// adopts a matching orphan and reports a quota refusal as upstream does; a
/// ReplicationController keeps its count; a Service's Endpoints and EndpointSlices follow its
/// pods; a CronJob makes its Job at the next minute; `kubectl drain` evicts within a
/// PodDisruptionBudget and leaves a DaemonSet's pods, which roll to a new image and back. The host carries a taint only these pods tolerate.
@Suite("workload controllers", .plinthServer)
struct WorkloadControllerTests {
    static let taint = "plinth.dev/workload-test"

    func get(_ s: PlinthServer, _ args: String...) throws -> String {
        try s.kubectl(Array(args)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func apply(_ s: PlinthServer, _ manifest: String) throws {
        let r = try s.kubectl(["apply", "-f", "-"], stdin: manifest)
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A pod spec that lands on this suite's host.
    func podSpec(_ ns: String) -> String {
        """
        {"nodeSelector": {"\(Self.taint)": "\(ns)"}, "tolerations": [{"key": "\(Self.taint)", "operator": "Exists"}],
         "terminationGracePeriodSeconds": 0, "containers": [{"name": "c", "image": "busybox:1.36", "resources": {"requests": {"cpu": "10m"}}}]}
        """
    }

    func template(_ ns: String, labels: String) -> String {
        #"{"metadata": {"labels": \#(labels)}, "spec": \#(podSpec(ns))}"#
    }

    func withHost(_ s: PlinthServer, _ ns: String, _ body: () throws -> Void) throws {
        let node = "workloads-\(ns)"
        let agent = try s.startAgent(["--name", node, "--runtime", "fake", "--cpu", "8", "--memory", "16Gi",
                                      "--label", "\(Self.taint)=\(ns)", "--register-with-taints", "\(Self.taint)=\(ns):NoSchedule"])
        defer {
            agent.stop()
            _ = try? s.kubectl("delete", "node", node, "--wait=false")
        }
        try waitReady(s, node, agent)
        try body()
    }

    /// Waits for the agent's Node to be Ready; a timeout reports what the agent printed.
    func waitReady(_ s: PlinthServer, _ node: String, _ agent: RunningCommand) throws {
        do {
            try poll("node \(node) Ready", timeout: 60) {
                try get(s, "get", "node", node, "-o", #"jsonpath={.status.conditions[?(@.type=="Ready")].status}"#) == "True"
            }
        } catch {
            throw TestFailure("\(error); the agent printed:\n\(agent.output.suffix(3000))")
        }
    }

    @Test func deploymentRollsOutRollsBackScalesAndGoes() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("deploy")
        try withHost(s, ns) {
            let deployment = """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "\(ns)"},
                 "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": \(template(ns, labels: #"{"app": "web"}"#))}}
                """
            try apply(s, deployment)
            let first = try s.kubectl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s")
            #expect(first.status == 0 && first.stdout.contains("deployment \"web\" successfully rolled out"), "\(first.stdout)\(first.stderr)")
            let rsNames = { try get(s, "get", "rs", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}").split(separator: " ").map(String.init) }
            let original = try rsNames()
            #expect(original.count == 1 && original[0].hasPrefix("web-"), "\(original)")
            let hash = try get(s, "get", "rs", original[0], "-n", ns, "-o", "jsonpath={.metadata.labels.pod-template-hash}")
            #expect(!hash.isEmpty && original[0] == "web-" + hash)
            let pods = try JSON.parse(Array(s.kubectl("get", "pods", "-n", ns, "-l", "app=web", "-o", "json").stdout.utf8))["items"]?.arrayValue ?? []
            #expect(pods.count == 3)
            for p in pods {
                #expect(p.string("metadata", "labels", "pod-template-hash") == hash)
                #expect(p[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?.string("name") == original[0])
                #expect(p.string("status", "phase") == "Running")
            }
            let status = try JSON.parse(Array(s.kubectl("get", "deployment", "web", "-n", ns, "-o", "json").stdout.utf8))
            #expect(status[path: ["status", "availableReplicas"]]?.intValue == 3)
            let progressing = status[path: ["status", "conditions"]]?.arrayValue?.first { $0.string("type") == "Progressing" }
            #expect(progressing?.string("reason") == "NewReplicaSetAvailable")
            #expect(progressing?.string("message") == "ReplicaSet \"\(original[0])\" has successfully progressed.")

            // A new image rolls out through a second ReplicaSet; the first is kept at 0 as history.
            #expect(try s.kubectl("set", "image", "deployment/web", "c=busybox:1.37", "-n", ns).status == 0)
            let second = try s.kubectl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s")
            #expect(second.status == 0, "\(second.stderr)")
            let afterUpdate = try rsNames()
            #expect(afterUpdate.count == 2)
            #expect(try get(s, "get", "rs", original[0], "-n", ns, "-o", "jsonpath={.spec.replicas}") == "0")
            let images = try get(s, "get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}")
            #expect(images.split(separator: " ") == ["busybox:1.37", "busybox:1.37", "busybox:1.37"], "\(images)")
            let history = try get(s, "rollout", "history", "deployment/web", "-n", ns)
            #expect(history.contains("1 ") && history.contains("2 "), "\(history)")
            let events = try get(s, "get", "events", "-n", ns, "--field-selector", "involvedObject.kind=Deployment", "-o", "jsonpath={.items[*].message}")
            #expect(events.contains("Scaled up replica set \(original[0]) from 0 to 3"), "\(events)")

            // Undo puts the old template back: its ReplicaSet returns as revision 3.
            #expect(try s.kubectl("rollout", "undo", "deployment/web", "-n", ns).status == 0)
            #expect(try s.kubectl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s").status == 0)
            #expect(try rsNames().count == 2)
            #expect(try get(s, "get", "rs", original[0], "-n", ns, "-o", "jsonpath={.spec.replicas}") == "3")
            #expect(try get(s, "get", "rs", original[0], "-n", ns, "-o", #"jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}"#) == "3")

            // Scaling, and a deleted pod is replaced.
            #expect(try s.kubectl("scale", "deployment/web", "--replicas=5", "-n", ns).status == 0)
            try poll("5 available") { try get(s, "get", "deployment", "web", "-n", ns, "-o", "jsonpath={.status.availableReplicas}") == "5" }
            let victim = try get(s, "get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}")
            #expect(try s.kubectl("delete", "pod", victim, "-n", ns).status == 0)
            try poll("pod replaced") {
                let names = try get(s, "get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}").split(separator: " ")
                return names.count == 5 && !names.contains(Substring(victim))
            }

            // Paused: a template change waits until resumed.
            #expect(try s.kubectl("rollout", "pause", "deployment/web", "-n", ns).status == 0)
            #expect(try s.kubectl("set", "image", "deployment/web", "c=busybox:1.38", "-n", ns).status == 0)
            try poll("paused condition") {
                try get(s, "get", "deployment", "web", "-n", ns, "-o", #"jsonpath={.status.conditions[?(@.type=="Progressing")].reason}"#) == "DeploymentPaused"
            }
            #expect(try rsNames().count == 2)
            #expect(try s.kubectl("rollout", "resume", "deployment/web", "-n", ns).status == 0)
            #expect(try s.kubectl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s").status == 0)
            #expect(try rsNames().count == 3)

            // Deleting the Deployment takes its ReplicaSets and pods.
            #expect(try s.kubectl("delete", "deployment", "web", "-n", ns).status == 0)
            try poll("replica sets and pods gone") {
                try get(s, "get", "rs,pods", "-n", ns, "-o", "name").isEmpty
            }
        }
    }

    @Test func recreateReplicaSetAdoptionQuotaAndReplicationControllers() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("replicas")
        try withHost(s, ns) {
            // Recreate: the old pods are gone before the new ones start.
            let deployment = """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "db", "namespace": "\(ns)"},
                 "spec": {"replicas": 2, "strategy": {"type": "Recreate"}, "selector": {"matchLabels": {"app": "db"}},
                          "template": \(template(ns, labels: #"{"app": "db"}"#))}}
                """
            try apply(s, deployment)
            #expect(try s.kubectl("rollout", "status", "deployment/db", "-n", ns, "--timeout=60s").status == 0)
            #expect(try s.kubectl("set", "image", "deployment/db", "c=busybox:1.37", "-n", ns).status == 0)
            #expect(try s.kubectl("rollout", "status", "deployment/db", "-n", ns, "--timeout=60s").status == 0)
            let events = try get(s, "get", "events", "-n", ns, "--field-selector", "involvedObject.name=db", "-o", "jsonpath={.items[*].message}")
            #expect(events.contains("Scaled down replica set") && events.contains("from 2 to 0"), "\(events)")
            #expect(try s.kubectl("delete", "deployment", "db", "-n", ns).status == 0)

            // A ReplicaSet adopts a running orphan that matches, and makes only the rest.
            let orphan = """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "orphan", "namespace": "\(ns)", "labels": {"app": "cache"}},
                 "spec": \(podSpec(ns))}
                """
            try apply(s, orphan)
            let replicaSet = """
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "cache", "namespace": "\(ns)"},
                 "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "cache"}}, "template": \(template(ns, labels: #"{"app": "cache"}"#))}}
                """
            try apply(s, replicaSet)
            try poll("2 ready replicas") { try get(s, "get", "rs", "cache", "-n", ns, "-o", "jsonpath={.status.readyReplicas}") == "2" }
            #expect(try get(s, "get", "pod", "orphan", "-n", ns, "-o", "jsonpath={.metadata.ownerReferences[0].name}") == "cache")
            #expect(try get(s, "get", "pods", "-n", ns, "-l", "app=cache", "-o", "name").split(separator: "\n").count == 2)

            // A quota refusal: ReplicaFailure with the admission message, and a FailedCreate event.
            let quota = #"{"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "pods", "namespace": "\#(ns)"}, "spec": {"hard": {"pods": "3"}}}"#
            try apply(s, quota)
            try poll("quota status") { try get(s, "get", "quota", "pods", "-n", ns, "-o", "jsonpath={.status.used.pods}") == "2" }
            #expect(try s.kubectl("scale", "rs/cache", "--replicas=5", "-n", ns).status == 0)
            try poll("ReplicaFailure") {
                try get(s, "get", "rs", "cache", "-n", ns, "-o", #"jsonpath={.status.conditions[?(@.type=="ReplicaFailure")].reason}"#) == "FailedCreate"
            }
            let message = try get(s, "get", "rs", "cache", "-n", ns, "-o", #"jsonpath={.status.conditions[?(@.type=="ReplicaFailure")].message}"#)
            #expect(message.contains("exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3"), "\(message)")
            let failed = try get(s, "get", "events", "-n", ns, "--field-selector", "reason=FailedCreate", "-o", "jsonpath={.items[*].message}")
            #expect(failed.contains("Error creating: pods \""), "\(failed)")
            #expect(try get(s, "get", "pods", "-n", ns, "-l", "app=cache", "-o", "name").split(separator: "\n").count == 3)
            #expect(try s.kubectl("delete", "quota", "pods", "-n", ns).status == 0)
            try poll("5 replicas once the quota is gone") { try get(s, "get", "rs", "cache", "-n", ns, "-o", "jsonpath={.status.readyReplicas}") == "5" }
            try poll("ReplicaFailure cleared") {
                try get(s, "get", "rs", "cache", "-n", ns, "-o", #"jsonpath={.status.conditions[?(@.type=="ReplicaFailure")].reason}"#).isEmpty
            }

            // A ReplicationController keeps its count with a plain label selector.
            let rc = """
                {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "legacy", "namespace": "\(ns)"},
                 "spec": {"replicas": 2, "selector": {"app": "legacy"}, "template": \(template(ns, labels: #"{"app": "legacy"}"#))}}
                """
            try apply(s, rc)
            try poll("rc ready") { try get(s, "get", "rc", "legacy", "-n", ns, "-o", "jsonpath={.status.readyReplicas}") == "2" }
            #expect(try get(s, "get", "rc", "legacy", "-n", ns).contains("2         2         2"))
        }
    }

    @Test func endpointsFollowTheSelectedPods() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("endpoints")
        try withHost(s, ns) {
            let spec = podSpec(ns).replacingOccurrences(of: #""image": "busybox:1.36""#, with: #""image": "busybox:1.36", "ports": [{"name": "http", "containerPort": 8080}]"#)
            try apply(s, """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "\(ns)"},
                 "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "api"}},
                          "template": {"metadata": {"labels": {"app": "api"}}, "spec": \(spec)}}}
                """)
            try apply(s, """
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "\(ns)", "labels": {"tier": "back"}},
                 "spec": {"selector": {"app": "api"}, "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}}
                """)
            #expect(try s.kubectl("rollout", "status", "deployment/api", "-n", ns, "--timeout=60s").status == 0)
            let podIPs = try get(s, "get", "pods", "-n", ns, "-l", "app=api", "-o", "jsonpath={.items[*].status.podIP}").split(separator: " ").map(String.init).sorted()
            #expect(podIPs.count == 3)
            try poll("3 ready addresses") {
                try get(s, "get", "endpoints", "api", "-n", ns, "-o", "jsonpath={.subsets[0].addresses[*].ip}").split(separator: " ").map(String.init) == podIPs
            }
            #expect(try get(s, "get", "endpoints", "api", "-n", ns, "-o", "jsonpath={.subsets[0].ports[0].port}") == "8080", "the named targetPort resolved")
            #expect(try get(s, "get", "endpoints", "api", "-n", ns, "-o", "jsonpath={.metadata.labels.tier}") == "back")
            let slice = try JSON.parse(Array(s.kubectl("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=api", "-o", "json").stdout.utf8))["items"]?.arrayValue ?? []
            #expect(slice.count == 1)
            #expect(slice.first?.string("addressType") == "IPv4")
            #expect(slice.first?[path: ["ports"]]?.arrayValue?.first?["port"] == .int(8080))
            #expect(slice.first?[path: ["endpoints"]]?.arrayValue?.count == 3)
            #expect(slice.first?[path: ["endpoints"]]?.arrayValue?.allSatisfy { $0[path: ["conditions", "ready"]] == .bool(true) } == true)
            #expect(slice.first?[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?.string("kind") == "Service")

            // Fewer pods, fewer addresses; no Service, no endpoints.
            #expect(try s.kubectl("scale", "deployment/api", "--replicas=1", "-n", ns).status == 0)
            try poll("1 address") { try get(s, "get", "endpoints", "api", "-n", ns, "-o", "jsonpath={.subsets[0].addresses[*].ip}").split(separator: " ").count == 1 }
            #expect(try s.kubectl("delete", "service", "api", "-n", ns).status == 0)
            try poll("endpoints and slices gone") { try get(s, "get", "endpoints,endpointslices", "-n", ns, "-o", "name").isEmpty }
        }
    }

    @Test func cronJobFiresOnItsSchedule() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("cron")
        try withHost(s, ns) {
            try apply(s, """
                {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "tick", "namespace": "\(ns)"},
                 "spec": {"schedule": "* * * * *", "concurrencyPolicy": "Forbid",
                          "jobTemplate": {"metadata": {"labels": {"from": "tick"}},
                                          "spec": {"template": {"metadata": {"labels": {"app": "tick"}},
                                                                "spec": \(podSpec(ns).replacingOccurrences(of: #""terminationGracePeriodSeconds": 0,"#, with: #""terminationGracePeriodSeconds": 0, "restartPolicy": "Never","#))}}}}}
                """)
            // The next minute boundary: a Job named after the scheduled minute, owned by the CronJob.
            try poll("a job from the cron job", timeout: 75) { try !get(s, "get", "jobs", "-n", ns, "-o", "name").isEmpty }
            let job = try JSON.parse(Array(s.kubectl("get", "jobs", "-n", ns, "-o", "json").stdout.utf8))["items"]?.arrayValue?.first
            let scheduled = job?.string("metadata", "annotations", "batch.kubernetes.io/cronjob-scheduled-timestamp") ?? ""
            let minutes = Int((ISO8601DateFormatter().date(from: scheduled)?.timeIntervalSince1970 ?? 0) / 60)
            #expect(job?.string("metadata", "name") == "tick-\(minutes)", "\(String(describing: job))")
            #expect(job?.string("metadata", "labels", "from") == "tick")
            #expect(job?[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?.string("kind") == "CronJob")
            try poll("status.active and lastScheduleTime") {
                try get(s, "get", "cronjob", "tick", "-n", ns, "-o", "jsonpath={.status.active[0].name} {.status.lastScheduleTime}") == "tick-\(minutes) \(scheduled)"
            }
            let events = try get(s, "get", "events", "-n", ns, "--field-selector", "involvedObject.kind=CronJob", "-o", "jsonpath={.items[*].message}")
            #expect(events.contains("Created job tick-\(minutes)"), "\(events)")
            #expect(try s.kubectl("delete", "cronjob", "tick", "-n", ns).status == 0)
        }
    }

    /// `kubectl drain` cordons a host and evicts its pods through the eviction subresource: a
    /// PodDisruptionBudget that allows no disruption holds them (429 with upstream's message);
    /// one that allows a disruption lets them go one at a time, and the Deployment brings them
    /// back on the other host.
    @Test func drainEvictsWithinTheDisruptionBudget() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("drain")
        let (first, second) = ("drain-a-\(ns)", "drain-b-\(ns)")
        func host(_ node: String) throws -> RunningCommand {
            try s.startAgent(["--name", node, "--runtime", "fake", "--cpu", "8", "--memory", "16Gi",
                              "--label", "\(Self.taint)=\(ns)", "--register-with-taints", "\(Self.taint)=\(ns):NoSchedule"])
        }
        let a = try host(first)
        var b: RunningCommand?
        defer {
            a.stop()
            b?.stop()
            _ = try? s.kubectl("delete", "node", first, second, "--wait=false")
        }
        try apply(s, """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "\(ns)"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": \(template(ns, labels: #"{"app": "web"}"#))}}
            """)
        let rolled = try s.kubectl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s")
        #expect(rolled.status == 0, "\(rolled.stderr)")
        let started = try host(second)
        b = started
        try waitReady(s, second, started)
        let nodesOfWeb = { try get(s, "get", "pods", "-n", ns, "-l", "app=web", "--field-selector", "status.phase=Running", "-o", "jsonpath={.items[*].spec.nodeName}") }
        #expect(try nodesOfWeb() == [first, first, first].joined(separator: " "))

        // A DaemonSet puts one pod on each of the two hosts.
        try apply(s, """
            {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "daemon", "namespace": "\(ns)"},
             "spec": {"selector": {"matchLabels": {"app": "daemon"}}, "template": \(template(ns, labels: #"{"app": "daemon"}"#))}}
            """)
        let daemonRolled = try s.kubectl("rollout", "status", "daemonset/daemon", "-n", ns, "--timeout=60s")
        #expect(daemonRolled.status == 0 && daemonRolled.stdout.contains("successfully rolled out"), "\(daemonRolled.stdout)\(daemonRolled.stderr)")
        let nodesOfDaemon = { try get(s, "get", "pods", "-n", ns, "-l", "app=daemon", "--field-selector", "status.phase=Running", "-o", "jsonpath={.items[*].spec.nodeName}") }
        #expect(try Set(nodesOfDaemon().split(separator: " ").map(String.init)) == [first, second])
        #expect(try get(s, "get", "ds", "daemon", "-n", ns, "-o", "jsonpath={.status.desiredNumberScheduled}/{.status.numberReady}/{.status.updatedNumberScheduled}") == "2/2/2")

        // A budget that needs all three: nothing may go.
        try apply(s, """
            {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "\(ns)"},
             "spec": {"minAvailable": 3, "selector": {"matchLabels": {"app": "web"}}}}
            """)
        try poll("budget web observed") {
            try get(s, "get", "pdb", "web", "-n", ns, "-o", "jsonpath={.status.currentHealthy}/{.status.desiredHealthy}/{.status.disruptionsAllowed}") == "3/3/0"
        }
        let held = try s.kubectl("drain", first, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=3s")
        #expect(held.status != 0 && held.stderr.contains("Cannot evict pod as it would violate the pod's disruption budget."), "\(held.stderr)")
        #expect(try get(s, "get", "node", first, "-o", "jsonpath={.spec.unschedulable}") == "true")
        #expect(try nodesOfWeb() == [first, first, first].joined(separator: " "))

        // One disruption at a time: the pods move to the other host.
        let patched = try s.kubectl("patch", "pdb", "web", "-n", ns, "--type=merge", "-p", #"{"spec": {"minAvailable": 2}}"#)
        #expect(patched.status == 0, "\(patched.stderr)")
        let drained = try s.kubectl(["drain", first, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=90s"], timeout: 120)
        #expect(drained.status == 0 && drained.stdout.contains("node/\(first) drained"), "\(drained.stdout)\(drained.stderr)")
        try poll("web back at 3 on \(second)") { try nodesOfWeb() == [second, second, second].joined(separator: " ") }
        #expect(try s.kubectl("delete", "deployment,pdb", "web", "-n", ns).status == 0)

        // Drain left the daemon on the cordoned host; a new template rolls out to both pods,
        // and `rollout undo` brings the first template back as revision 3.
        #expect(try Set(nodesOfDaemon().split(separator: " ").map(String.init)) == [first, second])
        #expect(try s.kubectl("set", "image", "daemonset/daemon", "c=busybox:1.37", "-n", ns).status == 0)
        let updated = try s.kubectl("rollout", "status", "daemonset/daemon", "-n", ns, "--timeout=60s")
        #expect(updated.status == 0 && updated.stdout.contains("successfully rolled out"), "\(updated.stdout)\(updated.stderr)")
        try poll("daemon pods on busybox:1.37") {
            try get(s, "get", "pods", "-n", ns, "-l", "app=daemon", "--field-selector", "status.phase=Running",
                    "-o", "jsonpath={.items[*].spec.containers[0].image}") == "busybox:1.37 busybox:1.37"
        }
        let history = try get(s, "rollout", "history", "daemonset/daemon", "-n", ns)
        #expect(history.contains("1 ") && history.contains("2 "), "\(history)")
        #expect(try s.kubectl("rollout", "undo", "daemonset/daemon", "-n", ns).status == 0)
        #expect(try s.kubectl("rollout", "status", "daemonset/daemon", "-n", ns, "--timeout=60s").status == 0)
        try poll("daemon pods back on busybox:1.36") {
            try get(s, "get", "pods", "-n", ns, "-l", "app=daemon", "--field-selector", "status.phase=Running",
                    "-o", "jsonpath={.items[*].spec.containers[0].image}") == "busybox:1.36 busybox:1.36"
        }
        #expect(try get(s, "get", "controllerrevisions", "-n", ns, "-o", "jsonpath={.items[*].revision}").split(separator: " ").sorted() == ["2", "3"])
        #expect(try s.kubectl("delete", "daemonset", "daemon", "-n", ns).status == 0)
        try poll("daemon pods gone") { try get(s, "get", "pods", "-n", ns, "-l", "app=daemon", "-o", "name").isEmpty }
    }
}
