import PlinthControllers
import PlinthJSON
import Testing

/// The pure decisions of the workload controllers, checked against upstream's arithmetic.
@Suite("workload logic")
struct WorkloadLogicTests {
    static let template: JSON = ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "c", "image": "busybox:1"]]]]

    func deployment(replicas: Int64 = 10, surge: JSON = "25%", unavailable: JSON = "25%", template: JSON = template) -> JSON {
        ["metadata": ["name": "web", "namespace": "ns", "uid": "d-uid", "generation": 2],
         "spec": ["replicas": .int(replicas), "selector": ["matchLabels": ["app": "web"]], "template": template,
                  "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": surge, "maxUnavailable": unavailable]],
                  "revisionHistoryLimit": 1, "progressDeadlineSeconds": 600]]
    }

    func replicaSet(_ name: String, template: JSON, replicas: Int64, available: Int64, revision: Int, created: String) -> JSON {
        var t = template
        t[path: ["metadata", "labels", PodTemplateHash.label]] = .string(name)
        return ["metadata": ["name": .string(name), "uid": .string(name + "-uid"), "creationTimestamp": .string(created),
                             "annotations": [DeploymentRollout.revisionAnnotation: .string(String(revision))]],
                "spec": ["replicas": .int(replicas), "template": t],
                "status": ["replicas": .int(replicas), "availableReplicas": .int(available), "readyReplicas": .int(available)]]
    }

    @Test func intOrPercentRoundsAsUpstream() {
        #expect(IntOrPercent("25%")?.scaled(10, roundUp: true) == 3)
        #expect(IntOrPercent("25%")?.scaled(10, roundUp: false) == 2)
        #expect(IntOrPercent(.int(4))?.scaled(10, roundUp: false) == 4)
        #expect(IntOrPercent("x") == nil)
    }

    @Test func fencepostsAndFirstReplicaSet() {
        let r = DeploymentRollout(deployment: deployment(), replicaSets: [])
        #expect(r.maxSurge == 3 && r.maxUnavailable == 2)
        let zero = DeploymentRollout(deployment: deployment(surge: 0, unavailable: 0), replicaSets: [])
        #expect(zero.maxSurge == 0 && zero.maxUnavailable == 1, "both zero: one may be unavailable")
        guard case .create(let rs) = r.next().first else { Issue.record("expected a ReplicaSet"); return }
        let hash = PodTemplateHash.of(Self.template, collisionCount: nil)
        #expect(rs.string("metadata", "name") == "web-" + hash)
        #expect(rs[path: ["spec", "replicas"]] == .int(10))
        #expect(rs.string("spec", "selector", "matchLabels", PodTemplateHash.label) == hash)
        #expect(rs.string("metadata", "annotations", DeploymentRollout.revisionAnnotation) == "1")
        #expect(rs[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?.string("uid") == "d-uid")
    }

    @Test func templateHashIgnoresKeyOrderAndNulls() {
        let reordered: JSON = ["spec": ["containers": [["image": "busybox:1", "name": "c"]]],
                               "metadata": ["creationTimestamp": .null, "labels": ["app": "web"]]]
        #expect(PodTemplateHash.of(PodTemplateHash.comparable(reordered), collisionCount: nil) == PodTemplateHash.of(Self.template, collisionCount: nil))
        #expect(PodTemplateHash.of(Self.template, collisionCount: 1) != PodTemplateHash.of(Self.template, collisionCount: nil))
        let hash = PodTemplateHash.of(Self.template, collisionCount: nil)
        #expect(hash.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
    }

    @Test func rollingUpdateSurgesThenScalesDownOld() {
        var newTemplate = Self.template
        newTemplate[path: ["spec", "containers"]] = [["name": "c", "image": "busybox:2"]]
        let d = deployment(template: newTemplate)
        let old = replicaSet("old", template: Self.template, replicas: 10, available: 10, revision: 1, created: "2026-01-01T00:00:00Z")
        let new = replicaSet("new", template: newTemplate, replicas: 0, available: 0, revision: 2, created: "2026-01-02T00:00:00Z")
        // Surge first: 10 + 3 allowed, so the new ReplicaSet goes to 3.
        #expect(DeploymentRollout(deployment: d, replicaSets: [old, new]).next() == [.scale(name: "new", from: 0, to: 3)])
        // With 3 new not yet available, old may lose 2 (minimum available 8).
        let surged = replicaSet("new", template: newTemplate, replicas: 3, available: 0, revision: 2, created: "2026-01-02T00:00:00Z")
        #expect(DeploymentRollout(deployment: d, replicaSets: [old, surged]).next() == [.scale(name: "old", from: 10, to: 8)])
        // Done: new at 10 and available, old at 0: history beyond the limit of 1 goes.
        let older = replicaSet("older", template: ["metadata": ["labels": ["app": "web"]], "spec": [:]], replicas: 0, available: 0, revision: 0,
                               created: "2025-01-01T00:00:00Z")
        let drained = replicaSet("old", template: Self.template, replicas: 0, available: 0, revision: 1, created: "2026-01-01T00:00:00Z")
        let full = replicaSet("new", template: newTemplate, replicas: 10, available: 10, revision: 2, created: "2026-01-02T00:00:00Z")
        let done = DeploymentRollout(deployment: d, replicaSets: [older, drained, full])
        #expect(done.isComplete)
        #expect(done.next() == [.delete(name: "older")])
        let status = done.status(now: "2026-01-03T00:00:00Z", nowSeconds: 0)
        #expect(status["availableReplicas"] == .int(10) && status["updatedReplicas"] == .int(10) && status["observedGeneration"] == .int(2))
        let progressing = status["conditions"]?.arrayValue?.first { $0.string("type") == "Progressing" }
        #expect(progressing?.string("reason") == "NewReplicaSetAvailable")
    }

    @Test func rollbackRenumbersTheOldTemplatesReplicaSet() {
        var newTemplate = Self.template
        newTemplate[path: ["spec", "containers"]] = [["name": "c", "image": "busybox:2"]]
        let first = replicaSet("first", template: Self.template, replicas: 0, available: 0, revision: 1, created: "2026-01-01T00:00:00Z")
        let second = replicaSet("second", template: newTemplate, replicas: 10, available: 10, revision: 2, created: "2026-01-02T00:00:00Z")
        let r = DeploymentRollout(deployment: deployment(), replicaSets: [first, second])
        #expect(r.newReplicaSet?.string("metadata", "name") == "first")
        #expect(r.next() == [.revise(name: "first", revision: 3, history: "1")])
    }

    @Test func recreateWaitsForOldPodsToGo() {
        var d = deployment(replicas: 2)
        d[path: ["spec", "strategy"]] = ["type": "Recreate"]
        var newTemplate = Self.template
        newTemplate[path: ["spec", "containers"]] = [["name": "c", "image": "busybox:2"]]
        d[path: ["spec", "template"]] = newTemplate
        let old = replicaSet("old", template: Self.template, replicas: 2, available: 2, revision: 1, created: "2026-01-01T00:00:00Z")
        let new = replicaSet("new", template: newTemplate, replicas: 0, available: 0, revision: 2, created: "2026-01-02T00:00:00Z")
        #expect(DeploymentRollout(deployment: d, replicaSets: [old, new]).next() == [.scale(name: "old", from: 2, to: 0)])
        var stopping = replicaSet("old", template: Self.template, replicas: 0, available: 0, revision: 1, created: "2026-01-01T00:00:00Z")
        stopping[path: ["status", "replicas"]] = 1
        #expect(DeploymentRollout(deployment: d, replicaSets: [stopping, new]).next().isEmpty, "an old pod still runs")
        let gone = replicaSet("old", template: Self.template, replicas: 0, available: 0, revision: 1, created: "2026-01-01T00:00:00Z")
        #expect(DeploymentRollout(deployment: d, replicaSets: [gone, new]).next() == [.scale(name: "new", from: 0, to: 2)])
    }

    func pod(_ name: String, phase: String = "Running", ready: Bool = true, node: String = "n1", created: String = "2026-01-01T00:00:00Z") -> JSON {
        ["metadata": ["name": .string(name), "creationTimestamp": .string(created), "labels": ["app": "web"]],
         "spec": ["nodeName": .string(node)],
         "status": ["phase": .string(phase),
                    "conditions": [["type": "Ready", "status": .string(ready ? "True" : "False"), "lastTransitionTime": "2026-01-01T00:00:00Z"]]]]
    }

    @Test func replicaSetDeletesTheLeastUsefulPodsFirst() {
        let owner: JSON = ["metadata": ["generation": 1], "spec": ["replicas": 2, "template": ["metadata": ["labels": ["app": "web"]]]]]
        let pods = [pod("ready-old"), pod("pending", phase: "Pending", ready: false), pod("unscheduled", phase: "Pending", ready: false, node: ""),
                    pod("ready-new", created: "2026-01-02T00:00:00Z"), pod("done", phase: "Succeeded", ready: false)]
        let sync = ReplicaSetSync(owner, pods: pods, now: 1_800_000_000)
        #expect(sync.create == 0)
        #expect(sync.delete.compactMap { $0.string("metadata", "name") } == ["unscheduled", "pending"])
        #expect(sync.status["replicas"] == .int(4), "the finished pod does not count")
        #expect(sync.status["readyReplicas"] == .int(2) && sync.status["availableReplicas"] == .int(2))
        let grow = ReplicaSetSync(["spec": ["replicas": 5]], pods: [pod("a")], now: 0)
        #expect(grow.create == 4)
    }

    @Test func jobRunsToCompletionAndFailsPastItsBackoffLimit() {
        let job: JSON = ["metadata": ["name": "j"], "spec": ["completions": 3, "parallelism": 2, "backoffLimit": 1]]
        let start = JobProgress(job, pods: [], now: 100, nowString: "1970-01-01T00:01:40Z")
        #expect(start.create == 2 && start.outcome == .running)
        #expect(start.status["startTime"] == "1970-01-01T00:01:40Z")
        let oneLeft = JobProgress(job, pods: [pod("a", phase: "Succeeded"), pod("b", phase: "Succeeded")], now: 100, nowString: "x")
        #expect(oneLeft.create == 1, "only one completion is missing")
        let done = JobProgress(job, pods: [pod("a", phase: "Succeeded"), pod("b", phase: "Succeeded"), pod("c", phase: "Succeeded")],
                               now: 100, nowString: "t")
        #expect(done.outcome == .succeeded && done.create == 0)
        let types = done.status["conditions"]?.arrayValue?.compactMap { $0.string("type") }
        #expect(types == ["SuccessCriteriaMet", "Complete"])
        #expect(done.status["succeeded"] == .int(3) && done.status["completionTime"] == "t")
        let failed = JobProgress(job, pods: [pod("a", phase: "Failed"), pod("b", phase: "Failed"), pod("c")], now: 100, nowString: "t")
        #expect(failed.outcome == .failed(reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit"))
        #expect(failed.delete.count == 1, "the running pod is stopped")
        #expect(failed.status["conditions"]?.arrayValue?.compactMap { $0.string("type") } == ["FailureTarget"], "Failed waits for the pod to stop")
    }

    @Test func jobReplacesAFailedPodAfterBackOff() {
        let job: JSON = ["metadata": ["name": "j"], "spec": ["completions": 1, "parallelism": 1, "backoffLimit": 6]]
        var failedPod = pod("a", phase: "Failed")
        failedPod[path: ["status", "containerStatuses"]] = [["state": ["terminated": ["finishedAt": "1970-01-01T00:01:40Z"]]]]
        let soon = JobProgress(job, pods: [failedPod], now: 105, nowString: "t")
        #expect(soon.create == 0 && soon.recheckAfter == 5, "10 s back-off after the first failure")
        let later = JobProgress(job, pods: [failedPod], now: 111, nowString: "t")
        #expect(later.create == 1)
    }

    @Test func serviceEndpointsSplitReadyFromNotReady() {
        let service: JSON = ["spec": ["selector": ["app": "web"], "ports": [["name": "web", "port": 80, "targetPort": "http"], ["name": "raw", "port": 81, "targetPort": 9000]]]]
        func withIP(_ p: JSON, _ ip: String, namedPort: Bool = true) -> JSON {
            var p = p
            p[path: ["status", "podIP"]] = .string(ip)
            if namedPort { p[path: ["spec", "containers"]] = [["name": "c", "ports": [["name": "http", "containerPort": 8080]]]] }
            return p
        }
        var deleting = withIP(pod("d"), "10.0.0.4")
        deleting[path: ["metadata", "deletionTimestamp"]] = "2026-01-01T00:00:00Z"
        let pods = [withIP(pod("b"), "10.0.0.2"), withIP(pod("a", ready: false), "10.0.0.1"), pod("no-ip"),
                    withIP(pod("done", phase: "Succeeded"), "10.0.0.9"), deleting, withIP(pod("unnamed"), "10.0.0.5", namedPort: false)]
        let e = ServiceEndpoints(service: service, pods: pods)
        #expect(e.groups.count == 2, "pods that resolve the named port differently form their own group")
        let subsets = e.subsets(namespace: "ns")
        #expect(subsets[0][path: ["addresses"]]?.arrayValue?.compactMap { $0.string("ip") } == ["10.0.0.2"])
        #expect(subsets[0][path: ["notReadyAddresses"]]?.arrayValue?.compactMap { $0.string("ip") } == ["10.0.0.1"])
        #expect(subsets[0][path: ["ports"]]?.arrayValue?.compactMap { $0["port"]?.intValue } == [8080, 9000])
        #expect(subsets[1][path: ["ports"]]?.arrayValue?.compactMap { $0["port"]?.intValue } == [9000])
        let slice = ServiceEndpoints.sliceEndpoints(e.groups[0], namespace: "ns")
        let terminating = slice.first { $0[path: ["addresses"]]?.arrayValue?.first == "10.0.0.4" }
        #expect(terminating?[path: ["conditions", "terminating"]] == .bool(true) && terminating?[path: ["conditions", "ready"]] == .bool(false))
        #expect(terminating?[path: ["conditions", "serving"]] == .bool(true), "a terminating pod still passing readiness serves")
    }
}
