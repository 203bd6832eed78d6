import PlinthAPIMachinery
@testable import PlinthAPIServer
import PlinthJSON
import Testing

/// What objects count against ResourceQuota and how a request is checked, with upstream's messages.
@Suite("resource quota usage and checks")
struct QuotaUsageTests {
    let pods = ResourceType(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true)
    let claims = ResourceType(group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true)
    let services = ResourceType(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true)
    let configMaps = ResourceType(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true)
    let deployments = ResourceType(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true)

    /// Quantities as printed, so both value and notation are checked.
    func printed(_ list: [String: Quantity]) -> [String: String] { list.mapValues(\.description) }

    func list(_ pairs: [String: String]) -> [String: Quantity] { pairs.mapValues { Quantity($0)! } }

    func container(_ name: String, requests: JSON? = nil, limits: JSON? = nil, restartPolicy: String? = nil) -> JSON {
        var c: JSON = ["name": .string(name), "image": "busybox"]
        if let requests { c[path: ["resources", "requests"]] = requests }
        if let limits { c[path: ["resources", "limits"]] = limits }
        if let restartPolicy { c["restartPolicy"] = .string(restartPolicy) }
        return c
    }

    func pod(_ containers: [JSON], initContainers: [JSON] = [], phase: String? = nil) -> JSON {
        var p: JSON = ["metadata": ["name": "p"], "spec": ["containers": .array(containers)]]
        if !initContainers.isEmpty { p[path: ["spec", "initContainers"]] = .array(initContainers) }
        if let phase { p[path: ["status", "phase"]] = .string(phase) }
        return p
    }

    func quota(_ name: String = "q", hard: JSON, used: JSON? = nil, scopes: [JSON] = []) -> JSON {
        var q: JSON = ["metadata": ["name": .string(name)], "spec": ["hard": hard], "status": ["hard": hard]]
        if let used { q[path: ["status", "used"]] = used }
        if !scopes.isEmpty { q[path: ["spec", "scopes"]] = .array(scopes) }
        return q
    }

    // MARK: - Usage

    @Test func podCountsInitContainersByMaximum() {
        let p = pod([container("a", requests: ["cpu": "100m", "memory": "128Mi"], limits: ["cpu": "200m", "memory": "256Mi"]),
                     container("b", requests: ["cpu": "200m"], limits: ["memory": "64Mi"])],
                    initContainers: [container("init", requests: ["cpu": "500m", "memory": "64Mi"], limits: ["cpu": "1"])])
        #expect(printed(QuotaUsage.usage(of: p, pods)) == [
            "count/pods": "1", "pods": "1",
            "cpu": "500m", "requests.cpu": "500m", "memory": "128Mi", "requests.memory": "128Mi",
            "limits.cpu": "1", "limits.memory": "320Mi",
        ])
    }

    @Test func sidecarsRunBesideLaterInitContainers() {
        let p = pod([container("app", requests: ["cpu": "200m"])],
                    initContainers: [container("proxy", requests: ["cpu": "100m"], restartPolicy: "Always"),
                                     container("migrate", requests: ["cpu": "250m"])])
        // Running: app + proxy = 300m; while migrating: migrate + proxy = 350m.
        #expect(QuotaUsage.usage(of: p, pods)["requests.cpu"] == Quantity("350m"))
    }

    @Test func overheadExtendedResourcesAndHugePages() {
        var p = pod([container("a", requests: ["cpu": "100m", "nvidia.com/gpu": "1", "hugepages-2Mi": "4Mi"],
                               limits: ["cpu": "200m", "nvidia.com/gpu": "1", "hugepages-2Mi": "4Mi"])])
        p[path: ["spec", "overhead"]] = ["cpu": "50m"]
        let u = printed(QuotaUsage.usage(of: p, pods))
        #expect(u["requests.cpu"] == "150m")
        #expect(u["limits.cpu"] == "250m")
        #expect(u["requests.nvidia.com/gpu"] == "1")
        #expect(u["nvidia.com/gpu"] == nil)
        #expect(u["hugepages-2Mi"] == "4Mi")
        #expect(u["requests.hugepages-2Mi"] == "4Mi")
    }

    @Test func terminalPodsKeepOnlyTheirCount() {
        let c = container("a", requests: ["cpu": "1"])
        #expect(printed(QuotaUsage.usage(of: pod([c], phase: "Succeeded"), pods)) == ["count/pods": "1"])
        #expect(printed(QuotaUsage.usage(of: pod([c], phase: "Failed"), pods)) == ["count/pods": "1"])
        #expect(QuotaUsage.usage(of: pod([c], phase: "Running"), pods)["pods"] == Quantity("1"))
        // Stuck past its deletion grace period.
        var deleting = pod([c], phase: "Running")
        deleting[path: ["metadata", "deletionTimestamp"]] = "2024-01-01T00:00:00Z"
        deleting[path: ["metadata", "deletionGracePeriodSeconds"]] = 30
        let deletedAt = RFC3339.parse("2024-01-01T00:00:00Z")!.seconds
        #expect(QuotaUsage.usage(of: deleting, pods, now: deletedAt + 10)["pods"] != nil)
        #expect(QuotaUsage.usage(of: deleting, pods, now: deletedAt + 31)["pods"] == nil)
    }

    @Test func claimsPerStorageClass() {
        let gold: JSON = ["metadata": ["name": "c"],
                          "spec": ["storageClassName": "gold", "resources": ["requests": ["storage": "10Gi"]]]]
        #expect(printed(QuotaUsage.usage(of: gold, claims)) == [
            "count/persistentvolumeclaims": "1", "persistentvolumeclaims": "1", "requests.storage": "10Gi",
            "gold.storageclass.storage.k8s.io/requests.storage": "10Gi",
            "gold.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
        ])
        let plain: JSON = ["metadata": ["name": "c"], "spec": ["resources": ["requests": ["storage": "1.5"]]]]
        // Fractional bytes round up.
        #expect(printed(QuotaUsage.usage(of: plain, claims)) == [
            "count/persistentvolumeclaims": "1", "persistentvolumeclaims": "1", "requests.storage": "2",
        ])
        #expect(QuotaUsage.matchingResources(["requests.storage", "gold.storageclass.storage.k8s.io/requests.storage", "pods"], claims)
                == ["gold.storageclass.storage.k8s.io/requests.storage", "requests.storage"])
    }

    @Test func servicesCountNodePortsAndLoadBalancers() {
        let nodePort: JSON = ["spec": ["type": "NodePort", "ports": [["port": 80], ["port": 443]]]]
        #expect(printed(QuotaUsage.usage(of: nodePort, services)) == [
            "count/services": "1", "services": "1", "services.nodeports": "2", "services.loadbalancers": "0",
        ])
        let lb: JSON = ["spec": ["type": "LoadBalancer", "allocateLoadBalancerNodePorts": false,
                                 "ports": [["port": 80, "nodePort": 30080], ["port": 443]]]]
        #expect(printed(QuotaUsage.usage(of: lb, services))["services.nodeports"] == "1")
        #expect(printed(QuotaUsage.usage(of: lb, services))["services.loadbalancers"] == "1")
        let clusterIP: JSON = ["spec": ["ports": [["port": 80]]]]
        #expect(printed(QuotaUsage.usage(of: clusterIP, services))["services.nodeports"] == "0")
    }

    @Test func objectCounts() {
        #expect(printed(QuotaUsage.usage(of: [:], configMaps)) == ["count/configmaps": "1", "configmaps": "1"])
        #expect(printed(QuotaUsage.usage(of: [:], deployments)) == ["count/deployments.apps": "1"])
        #expect(QuotaUsage.matchingResources(["configmaps", "count/configmaps", "pods"], configMaps) == ["configmaps", "count/configmaps"])
    }

    // MARK: - Matching

    @Test func scopes() {
        let bestEffort = pod([container("a")])
        let burstable = pod([container("a", requests: ["cpu": "100m"])])
        let zeroRequest = pod([container("a", requests: ["cpu": "0"])])
        let be = quota(hard: ["pods": "10"], scopes: ["BestEffort"])
        #expect(QuotaUsage.matches(quota: be, object: bestEffort, pods))
        #expect(!QuotaUsage.matches(quota: be, object: burstable, pods))
        #expect(QuotaUsage.matches(quota: be, object: zeroRequest, pods))
        #expect(QuotaUsage.matches(quota: quota(hard: ["pods": "10"], scopes: ["NotBestEffort"]), object: burstable, pods))

        var terminating = bestEffort
        terminating[path: ["spec", "activeDeadlineSeconds"]] = 30
        let t = quota(hard: ["pods": "10"], scopes: ["Terminating"])
        #expect(QuotaUsage.matches(quota: t, object: terminating, pods))
        #expect(!QuotaUsage.matches(quota: t, object: bestEffort, pods))
        #expect(QuotaUsage.matches(quota: quota(hard: ["pods": "10"], scopes: ["NotTerminating"]), object: bestEffort, pods))

        // Scopes exist for pods only; a quota must name a resource the kind is charged for.
        let svc: JSON = ["spec": ["ports": [["port": 80]]]]
        #expect(!QuotaUsage.matches(quota: quota(hard: ["services": "1"], scopes: ["NotTerminating"]), object: svc, services))
        #expect(QuotaUsage.matches(quota: quota(hard: ["services": "1"]), object: svc, services))
        #expect(!QuotaUsage.matches(quota: quota(hard: ["pods": "1"]), object: svc, services))
        // Upstream matches on status.hard: a quota the controller has not synced matches nothing.
        let unsynced: JSON = ["metadata": ["name": "q"], "spec": ["hard": ["services": "1"]]]
        #expect(!QuotaUsage.matches(quota: unsynced, object: svc, services))
    }

    // MARK: - Checks

    @Test func constraintMessages() {
        let p = pod([container("c2"), container("c1", requests: ["memory": "64Mi"])],
                    initContainers: [container("init", requests: ["memory": "1Mi"], limits: ["cpu": "1"])])
        #expect(QuotaUsage.constraintsError(quotaHard: ["limits.cpu", "requests.memory", "pods"], object: p, pods)
                == "must specify limits.cpu for: c1,c2; requests.memory for: c2")
        // `cpu` in a quota means the request.
        let limitOnly = pod([container("c1", limits: ["cpu": "1"])])
        #expect(QuotaUsage.constraintsError(quotaHard: ["cpu"], object: limitOnly, pods) == "must specify cpu for: c1")
        #expect(QuotaUsage.constraintsError(quotaHard: ["limits.cpu"], object: limitOnly, pods) == nil)
        // Only cpu and memory are required; other kinds have no constraints.
        #expect(QuotaUsage.constraintsError(quotaHard: ["requests.ephemeral-storage", "pods"], object: limitOnly, pods) == nil)
        #expect(QuotaUsage.constraintsError(quotaHard: ["services"], object: [:], services) == nil)
    }

    @Test func exceededQuota() {
        let p = pod([container("a", limits: ["memory": "1Gi"])])
        let delta = QuotaUsage.usage(of: p, pods)
        let hard = list(["limits.memory": "512Mi", "pods": "10"])
        #expect(QuotaUsage.check(quota: "q", hard: hard, used: list(["limits.memory": "0", "pods": "0"]), delta: delta, pods)
                == .denied("exceeded quota: q, requested: limits.memory=1Gi, used: limits.memory=0, limited: limits.memory=512Mi"))
        #expect(QuotaUsage.check(quota: "q", hard: list(["limits.memory": "512Mi", "pods": "1"]),
                                 used: list(["limits.memory": "0", "pods": "1"]), delta: delta, pods)
                == .denied("exceeded quota: q, requested: limits.memory=1Gi,pods=1, used: limits.memory=0,pods=1, limited: limits.memory=512Mi,pods=1"))
    }

    @Test func chargesOnlyHardResources() {
        let p = pod([container("a", requests: ["cpu": "250m"])])
        let outcome = QuotaUsage.check(quota: "q", hard: list(["cpu": "1", "requests.cpu": "1", "pods": "5"]),
                                       used: list(["cpu": "500m", "requests.cpu": "500m", "pods": "2"]),
                                       delta: QuotaUsage.usage(of: p, pods), pods)
        guard case .allowed(let used) = outcome else {
            Issue.record("denied: \(outcome)")
            return
        }
        // `cpu` and `requests.cpu` are separate keys with the same value; count/pods is not limited.
        #expect(printed(used) == ["cpu": "750m", "requests.cpu": "750m", "pods": "3"])
    }

    @Test func statusUnknown() {
        let p = pod([container("a", requests: ["cpu": "250m"])])
        #expect(QuotaUsage.check(quota: "q", hard: list(["pods": "5", "requests.cpu": "1", "services": "2"]),
                                 used: list(["pods": "0"]), delta: QuotaUsage.usage(of: p, pods), pods)
                == .denied("status unknown for quota: q, resources: pods,requests.cpu"))
    }

    @Test func evaluateCreate() {
        let p = pod([container("a", requests: ["cpu": "250m", "memory": "64Mi"])])
        let quotas = [
            quota("compute", hard: ["requests.cpu": "1", "limits.memory": "1Gi"], used: ["requests.cpu": "0", "limits.memory": "0"]),
        ]
        #expect(QuotaUsage.evaluate(object: p, old: nil, quotas: quotas, pods)
                == .denied("failed quota: compute: must specify limits.memory for: a"))

        let counts = [
            quota("objects", hard: ["count/pods": "2", "services": "1"], used: ["count/pods": "1", "services": "0"]),
            quota("other", hard: ["configmaps": "1"], used: ["configmaps": "0"]),
        ]
        guard case .allowed(let charges) = QuotaUsage.evaluate(object: p, old: nil, quotas: counts, pods) else {
            Issue.record("denied")
            return
        }
        #expect(charges.map(\.name) == ["objects"])
        #expect(charges.map { printed($0.used) } == [["count/pods": "2", "services": "0"]])
    }

    @Test func evaluateUpdateChargesTheIncrease() {
        let old: JSON = ["metadata": ["name": "s", "resourceVersion": "5"], "spec": ["ports": [["port": 80]]]]
        var new = old
        new[path: ["spec", "type"]] = "NodePort"
        let quotas = [quota(hard: ["services": "1", "services.nodeports": "0"], used: ["services": "1", "services.nodeports": "0"])]
        #expect(QuotaUsage.evaluate(object: new, old: old, quotas: quotas, services)
                == .denied("exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0"))
        #expect(QuotaUsage.evaluate(object: old, old: old, quotas: quotas, services) == .allowed([]))
    }

    @Test func whichWritesAreCharged() {
        #expect(QuotaUsage.handles(pods, operation: .create, subresource: nil))
        #expect(!QuotaUsage.handles(pods, operation: .update, subresource: nil))
        #expect(QuotaUsage.handles(services, operation: .update, subresource: nil))
        #expect(!QuotaUsage.handles(configMaps, operation: .update, subresource: nil))
        #expect(!QuotaUsage.handles(pods, operation: .create, subresource: "binding"))
        let events = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)
        #expect(!QuotaUsage.handles(events, operation: .create, subresource: nil))
    }

    @Test func forbiddenWording() {
        let e = QuotaUsage.forbidden(pods, name: "web", "exceeded quota: q")
        #expect(e.code == 403)
        #expect(e.message == #"pods "web" is forbidden: exceeded quota: q"#)
        #expect(QuotaUsage.forbidden(deployments, name: "d", "x").message == #"deployments.apps "d" is forbidden: x"#)
    }
}
