import PlinthAPIMachinery
@testable import PlinthAPIServer
import PlinthJSON
import Testing

/// LimitRange defaulting and min / max / ratio checks, with upstream's annotation and messages.
@Suite("limit range defaults and checks")
struct LimitRangeRulesTests {
    func container(_ name: String, requests: JSON? = nil, limits: JSON? = nil) -> JSON {
        var c: JSON = ["name": .string(name), "image": "busybox"]
        if let requests { c[path: ["resources", "requests"]] = requests }
        if let limits { c[path: ["resources", "limits"]] = limits }
        return c
    }

    func pod(_ containers: [JSON], initContainers: [JSON] = []) -> JSON {
        var p: JSON = ["metadata": ["name": "p"], "spec": ["containers": .array(containers)]]
        if !initContainers.isEmpty { p[path: ["spec", "initContainers"]] = .array(initContainers) }
        return p
    }

    func limitRange(_ items: [JSON]) -> JSON {
        ["metadata": ["name": "lr"], "spec": ["limits": .array(items)]]
    }

    // MARK: - Defaults

    @Test func defaultsAndAnnotation() {
        var p = pod([container("app"), container("side", requests: ["cpu": "50m"])],
                    initContainers: [container("setup", limits: ["memory": "1Gi"])])
        let lr = limitRange([["type": "Container",
                              "default": ["cpu": "500m", "memory": "512Mi"],
                              "defaultRequest": ["cpu": "100m", "memory": "256Mi"]]])
        LimitRangeRules.applyDefaults(to: &p, limitRanges: [lr])
        #expect(p.string("metadata", "annotations", "kubernetes.io/limit-ranger")
                == "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; "
                + "memory request for container side; cpu, memory limit for container side; "
                + "cpu, memory request for init container setup; cpu limit for init container setup")
        #expect(p[path: ["spec", "containers"]]?.arrayValue?[0]["resources"]
                == ["limits": ["cpu": "500m", "memory": "512Mi"], "requests": ["cpu": "100m", "memory": "256Mi"]])
        // What the container set is kept.
        #expect(p[path: ["spec", "containers"]]?.arrayValue?[1][path: ["resources", "requests", "cpu"]] == "50m")
        #expect(p[path: ["spec", "initContainers"]]?.arrayValue?[0][path: ["resources", "limits", "memory"]] == "1Gi")
    }

    @Test func itemDefaultingFromMaxAndMin() {
        // A missing default takes max; a missing defaultRequest takes default, else min.
        #expect(LimitRangeRules.defaultedItem(["type": "Container", "max": ["cpu": "1"]])
                == ["type": "Container", "max": ["cpu": "1"], "default": ["cpu": "1"], "defaultRequest": ["cpu": "1"]])
        #expect(LimitRangeRules.defaultedItem(["type": "Container", "default": ["memory": "1Gi"], "min": ["cpu": "100m"]])
                == ["type": "Container", "default": ["memory": "1Gi"], "min": ["cpu": "100m"],
                    "defaultRequest": ["memory": "1Gi", "cpu": "100m"]])
        #expect(LimitRangeRules.defaultedItem(["type": "Pod", "max": ["cpu": "1"]]) == ["type": "Pod", "max": ["cpu": "1"]])

        var p = pod([container("app")])
        LimitRangeRules.applyDefaults(to: &p, limitRanges: [limitRange([["type": "Container", "max": ["cpu": "1"]]])])
        #expect(p[path: ["spec", "containers"]]?.arrayValue?[0]["resources"] == ["limits": ["cpu": "1"], "requests": ["cpu": "1"]])
    }

    @Test func nothingToFillLeavesNoAnnotation() {
        var p = pod([container("app", requests: ["cpu": "1"], limits: ["cpu": "1"])])
        let before = p
        LimitRangeRules.applyDefaults(to: &p, limitRanges: [limitRange([["type": "Container", "default": ["cpu": "2"]]])])
        #expect(p == before)
        LimitRangeRules.applyDefaults(to: &p, limitRanges: [limitRange([["type": "Pod", "max": ["memory": "1Gi"]]])])
        #expect(p == before)
    }

    // MARK: - Container and pod bounds

    @Test func containerMessages() {
        func check(_ c: JSON, _ item: JSON) -> [String] {
            LimitRangeRules.violations(pod: pod([c]), limitRanges: [limitRange([item])])
        }
        #expect(check(container("a", requests: ["cpu": "50m"]), ["type": "Container", "min": ["cpu": "100m"]])
                == ["minimum cpu usage per Container is 100m, but request is 50m"])
        #expect(check(container("a"), ["type": "Container", "min": ["cpu": "100m"]])
                == ["minimum cpu usage per Container is 100m.  No request is specified"])
        #expect(check(container("a", requests: ["memory": "300Mi"], limits: ["memory": "200Mi"]), ["type": "Container", "min": ["memory": "256Mi"]])
                == ["minimum memory usage per Container is 256Mi, but limit is 200Mi"])
        #expect(check(container("a", limits: ["memory": "2Gi"]), ["type": "Container", "max": ["memory": "1Gi"]])
                == ["maximum memory usage per Container is 1Gi, but limit is 2Gi"])
        #expect(check(container("a", requests: ["cpu": "500m"]), ["type": "Container", "max": ["cpu": "1"]])
                == ["maximum cpu usage per Container is 1.  No limit is specified"])
        #expect(check(container("a", requests: ["cpu": "2"], limits: ["cpu": "1"]), ["type": "Container", "max": ["cpu": "1"]])
                == ["maximum cpu usage per Container is 1, but request is 2"])
        #expect(check(container("a", requests: ["cpu": "250m"], limits: ["cpu": "1"]), ["type": "Container", "maxLimitRequestRatio": ["cpu": "2"]])
                == ["cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000"])
        #expect(check(container("a", requests: ["cpu": "300m"], limits: ["cpu": "1"]), ["type": "Container", "maxLimitRequestRatio": ["cpu": "3"]])
                == ["cpu max limit to request ratio per Container is 3, but provided ratio is 3.333333"])
        #expect(check(container("a", requests: ["cpu": "500m"], limits: ["cpu": "1"]), ["type": "Container", "maxLimitRequestRatio": ["cpu": "2"]])
                == [])
        #expect(check(container("a", limits: ["cpu": "1"]), ["type": "Container", "maxLimitRequestRatio": ["cpu": "2"]])
                == ["cpu max limit to request ratio per Container is 2, but no request is specified or request is 0"])
        #expect(check(container("a", requests: ["cpu": "1"]), ["type": "Container", "maxLimitRequestRatio": ["cpu": "2"]])
                == ["cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0"])
    }

    @Test func podTotals() {
        let p = pod([container("a", requests: ["cpu": "600m"], limits: ["cpu": "600m"]),
                     container("b", requests: ["cpu": "600m"], limits: ["cpu": "600m"])],
                    initContainers: [container("i", requests: ["cpu": "100m"], limits: ["cpu": "100m"])])
        #expect(LimitRangeRules.violations(pod: p, limitRanges: [limitRange([["type": "Pod", "max": ["cpu": "1"]]])])
                == ["maximum cpu usage per Pod is 1, but limit is 1200m"])
    }

    @Test func initContainersAreChecked() {
        let p = pod([container("a", limits: ["memory": "64Mi"])], initContainers: [container("i", limits: ["memory": "2Gi"])])
        #expect(LimitRangeRules.violations(pod: p, limitRanges: [limitRange([["type": "Container", "max": ["memory": "1Gi"]]])])
                == ["maximum memory usage per Container is 1Gi, but limit is 2Gi"])
    }

    @Test func firstFailingLimitRangeWins() {
        let p = pod([container("a", requests: ["cpu": "50m"], limits: ["cpu": "2"])])
        let fine = limitRange([["type": "Container", "min": ["cpu": "10m"]]])
        let tooSmall = limitRange([["type": "Container", "min": ["cpu": "100m"]]])
        let tooBig = limitRange([["type": "Container", "max": ["cpu": "1"]]])
        #expect(LimitRangeRules.violations(pod: p, limitRanges: [fine, tooBig]) == ["maximum cpu usage per Container is 1, but limit is 2"])
        #expect(LimitRangeRules.violations(pod: p, limitRanges: [tooSmall, tooBig]) == ["minimum cpu usage per Container is 100m, but request is 50m"])
        #expect(LimitRangeRules.violations(pod: p, limitRanges: [fine]) == [])
    }

    @Test func aggregateMessage() {
        #expect(LimitRangeRules.message(["a"]) == "a")
        #expect(LimitRangeRules.message(["a", "b"]) == "[a, b]")
        #expect(LimitRangeRules.message(["a", "a"]) == "a")
        #expect(LimitRangeRules.message(["a", "b", "a"]) == "[a, b]")
        // Two containers over the same bound say it once.
        let p = pod([container("a", limits: ["cpu": "2"]), container("b", limits: ["cpu": "2"])])
        let v = LimitRangeRules.violations(pod: p, limitRanges: [limitRange([["type": "Container", "max": ["cpu": "1"]]])])
        #expect(v.count == 2)
        #expect(LimitRangeRules.message(v) == "maximum cpu usage per Container is 1, but limit is 2")
    }

    // MARK: - Claims

    @Test func claimStorage() {
        func claim(_ storage: String?) -> JSON {
            var c: JSON = ["metadata": ["name": "c"], "spec": ["accessModes": ["ReadWriteOnce"]]]
            if let storage { c[path: ["spec", "resources", "requests", "storage"]] = .string(storage) }
            return c
        }
        let lr = limitRange([["type": "PersistentVolumeClaim", "min": ["storage": "1Gi"], "max": ["storage": "10Gi"]]])
        #expect(LimitRangeRules.violations(claim: claim("500Mi"), limitRanges: [lr])
                == ["minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi"])
        #expect(LimitRangeRules.violations(claim: claim("20Gi"), limitRanges: [lr])
                == ["maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi"])
        #expect(LimitRangeRules.violations(claim: claim("5Gi"), limitRanges: [lr]) == [])
        #expect(LimitRangeRules.message(LimitRangeRules.violations(claim: claim(nil), limitRanges: [lr]))
                == "[minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified, "
                + "maximum storage usage per PersistentVolumeClaim is 10Gi.  No request is specified]")
        // Container items do not apply to claims, nor claim items to pods.
        #expect(LimitRangeRules.violations(claim: claim("500Mi"), limitRanges: [limitRange([["type": "Container", "min": ["storage": "1Gi"]]])]) == [])
        #expect(LimitRangeRules.violations(pod: pod([container("a")]), limitRanges: [lr]) == [])
    }

    @Test func whichWritesAreLimited() {
        let pods = ResourceType(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true)
        let claims = ResourceType(group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true)
        #expect(LimitRangeRules.handles(pods, operation: .create, subresource: nil))
        #expect(!LimitRangeRules.handles(pods, operation: .update, subresource: nil))
        #expect(LimitRangeRules.handles(claims, operation: .update, subresource: nil))
        #expect(!LimitRangeRules.handles(claims, operation: .update, subresource: "status"))
        #expect(!LimitRangeRules.handles(claims, operation: .update, subresource: nil, old: ["metadata": ["deletionTimestamp": "2024-01-01T00:00:00Z"]]))
    }
}
