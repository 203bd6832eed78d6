import PlinthAPIMachinery
import PlinthJSON

/// Fills the defaults upstream's defaulting functions and strategies set, for the fields that
/// clients rely on (kubectl prints them, controllers read them).
enum ObjectDefaulter {
    static func prepareForCreate(_ r: ResourceType, _ input: JSON) -> JSON {
        var o = defaults(r, input)
        switch (r.group, r.kind) {
        case ("", "Pod"):
            var status = JSONObject()
            status["phase"] = "Pending"
            status["qosClass"] = .string(qosClass(o[path: ["spec"]] ?? [:]))
            o["status"] = .object(status)
        case ("", "Namespace"):
            o["status"] = ["phase": "Active"]
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            let storage = (o[path: ["spec", "versions"]]?.arrayValue ?? []).first { $0["storage"]?.boolValue == true }?["name"]
            o["status"] = ["acceptedNames": ["kind": "", "plural": ""], "conditions": [], "storedVersions": .array(storage.map { [$0] } ?? [])]
        case ("", "PersistentVolume"), ("", "PersistentVolumeClaim"):
            o["status"] = ["phase": "Pending"]
        case ("", "Node"):
            break
        // Status counts that upstream's types do not omit when zero, so clients (the Python
        // client's models) require them from the start.
        case ("apps", "DaemonSet"):
            o["status"] = ["currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0]
        case ("apps", "ReplicaSet"), ("", "ReplicationController"):
            o["status"] = ["replicas": 0]
        default:
            // Custom resources start without a status (upstream drops it on create); built-in
            // kinds with a status subresource start with an empty one.
            if r.isCustom && r.hasSubresource("status") { o["status"] = nil }
            else if r.hasSubresource("status") { o["status"] = .object(JSONObject()) }
        }
        return o
    }

    static func prepareForUpdate(_ r: ResourceType, _ input: JSON, old: JSON) -> JSON {
        var o = defaults(r, input)
        if r.tracksGeneration {
            var a = o, b = old
            for k in ["metadata", "status", "kind", "apiVersion"] { a[k] = nil; b[k] = nil }
            let gen = old[path: ["metadata", "generation"]]?.intValue ?? 1
            o[path: ["metadata", "generation"]] = .int(a == b ? gen : gen + 1)
        }
        return o
    }

    /// Defaults applied on every write (they are idempotent).
    static func defaults(_ r: ResourceType, _ input: JSON) -> JSON {
        var o = input
        switch (r.group, r.kind) {
        case ("", "Pod"):
            if let spec = o["spec"] {
                var podOnly = podSpec(spec)
                // Set on pods by defaulting and the Priority admission plugin, not on templates.
                setIfAbsent(&podOnly, ["enableServiceLinks"], true)
                setIfAbsent(&podOnly, ["preemptionPolicy"], "PreemptLowerPriority")
                setIfAbsent(&podOnly, ["priority"], 0)
                o["spec"] = podOnly
            }
        case ("", "Namespace"):
            if o[path: ["spec", "finalizers"]] == nil { o[path: ["spec", "finalizers"]] = ["kubernetes"] }
            if let name = o.string("metadata", "name") {
                o[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] = .string(name)
            }
        case ("", "Secret"):
            if o["type"] == nil { o["type"] = "Opaque" }
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            if let kind = o.string("spec", "names", "kind") {
                if o[path: ["spec", "names", "singular"]] == nil { o[path: ["spec", "names", "singular"]] = .string(kind.lowercased()) }
                if o[path: ["spec", "names", "listKind"]] == nil { o[path: ["spec", "names", "listKind"]] = .string(kind + "List") }
            }
            if o[path: ["spec", "conversion"]] == nil { o[path: ["spec", "conversion"]] = ["strategy": "None"] }
        case ("", "Service"):
            o["spec"] = serviceSpec(o["spec"] ?? [:])
        case ("", "ReplicationController"):
            setIfAbsent(&o, ["spec", "replicas"], 1)
            if o[path: ["spec", "selector"]] == nil, let labels = o[path: ["spec", "template", "metadata", "labels"]] {
                o[path: ["spec", "selector"]] = labels
            }
            if o[path: ["metadata", "labels"]] == nil, let labels = o[path: ["spec", "template", "metadata", "labels"]] {
                o[path: ["metadata", "labels"]] = labels
            }
            template(&o, ["spec", "template"])
        case ("", "PersistentVolumeClaim"):
            setIfAbsent(&o, ["spec", "volumeMode"], "Filesystem")
        case ("", "PersistentVolume"):
            setIfAbsent(&o, ["spec", "persistentVolumeReclaimPolicy"], "Retain")
            setIfAbsent(&o, ["spec", "volumeMode"], "Filesystem")
        case ("apps", "Deployment"):
            setIfAbsent(&o, ["spec", "replicas"], 1)
            if o[path: ["spec", "strategy", "type"]] == nil { o[path: ["spec", "strategy", "type"]] = "RollingUpdate" }
            if o.string("spec", "strategy", "type") == "RollingUpdate" {
                setIfAbsent(&o, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], "25%")
                setIfAbsent(&o, ["spec", "strategy", "rollingUpdate", "maxSurge"], "25%")
            }
            setIfAbsent(&o, ["spec", "revisionHistoryLimit"], 10)
            setIfAbsent(&o, ["spec", "progressDeadlineSeconds"], 600)
            template(&o, ["spec", "template"])
        case ("apps", "ReplicaSet"):
            setIfAbsent(&o, ["spec", "replicas"], 1)
            template(&o, ["spec", "template"])
        case ("apps", "StatefulSet"):
            setIfAbsent(&o, ["spec", "replicas"], 1)
            setIfAbsent(&o, ["spec", "podManagementPolicy"], "OrderedReady")
            if o[path: ["spec", "updateStrategy", "type"]] == nil { o[path: ["spec", "updateStrategy", "type"]] = "RollingUpdate" }
            if o.string("spec", "updateStrategy", "type") == "RollingUpdate" {
                setIfAbsent(&o, ["spec", "updateStrategy", "rollingUpdate", "partition"], 0)
            }
            setIfAbsent(&o, ["spec", "revisionHistoryLimit"], 10)
            setIfAbsent(&o, ["spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"], "Retain")
            setIfAbsent(&o, ["spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"], "Retain")
            template(&o, ["spec", "template"])
        case ("apps", "DaemonSet"):
            if o[path: ["spec", "updateStrategy", "type"]] == nil { o[path: ["spec", "updateStrategy", "type"]] = "RollingUpdate" }
            if o.string("spec", "updateStrategy", "type") == "RollingUpdate" {
                setIfAbsent(&o, ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"], 1)
                setIfAbsent(&o, ["spec", "updateStrategy", "rollingUpdate", "maxSurge"], 0)
            }
            setIfAbsent(&o, ["spec", "revisionHistoryLimit"], 10)
            template(&o, ["spec", "template"])
        case ("batch", "Job"):
            job(&o, ["spec"])
        case ("batch", "CronJob"):
            setIfAbsent(&o, ["spec", "concurrencyPolicy"], "Allow")
            setIfAbsent(&o, ["spec", "suspend"], false)
            setIfAbsent(&o, ["spec", "successfulJobsHistoryLimit"], 3)
            setIfAbsent(&o, ["spec", "failedJobsHistoryLimit"], 1)
            setIfAbsent(&o, ["spec", "jobTemplate", "spec", "backoffLimit"], 6)
            setIfAbsent(&o, ["spec", "jobTemplate", "spec", "completionMode"], "NonIndexed")
            setIfAbsent(&o, ["spec", "jobTemplate", "spec", "suspend"], false)
            template(&o, ["spec", "jobTemplate", "spec", "template"])
        default:
            break
        }
        return o
    }

    static func setIfAbsent(_ o: inout JSON, _ path: [String], _ value: JSON) {
        if o[path: path] == nil || o[path: path] == .null { o[path: path] = value }
    }

    static func template(_ o: inout JSON, _ path: [String]) {
        guard let spec = o[path: path + ["spec"]] else { return }
        o[path: path + ["spec"]] = podSpec(spec)
        if o[path: path + ["metadata"]] == nil { o[path: path + ["metadata"]] = .object(JSONObject()) }
    }

    static func job(_ o: inout JSON, _ spec: [String]) {
        if o[path: spec + ["completions"]] == nil && o[path: spec + ["parallelism"]] == nil {
            o[path: spec + ["completions"]] = 1
        }
        setIfAbsent(&o, spec + ["parallelism"], 1)
        setIfAbsent(&o, spec + ["backoffLimit"], 6)
        setIfAbsent(&o, spec + ["completionMode"], "NonIndexed")
        setIfAbsent(&o, spec + ["suspend"], false)
        setIfAbsent(&o, spec + ["podReplacementPolicy"], "TerminatingOrFailed")
        if o[path: spec + ["manualSelector"]]?.boolValue != true, let uid = o.string("metadata", "uid"), o[path: spec + ["selector"]] == nil {
            o[path: spec + ["selector"]] = ["matchLabels": ["batch.kubernetes.io/controller-uid": .string(uid)]]
            let name = o.string("metadata", "name") ?? ""
            for (k, v) in [("batch.kubernetes.io/controller-uid", uid), ("batch.kubernetes.io/job-name", name),
                           ("controller-uid", uid), ("job-name", name)] {
                setIfAbsent(&o, spec + ["template", "metadata", "labels", k], .string(v))
            }
        }
        template(&o, spec + ["template"])
    }

    static func podSpec(_ input: JSON) -> JSON {
        guard case .object = input else { return input }
        var spec = input
        setIfAbsent(&spec, ["restartPolicy"], "Always")
        setIfAbsent(&spec, ["dnsPolicy"], "ClusterFirst")
        setIfAbsent(&spec, ["schedulerName"], "default-scheduler")
        setIfAbsent(&spec, ["terminationGracePeriodSeconds"], 30)
        setIfAbsent(&spec, ["securityContext"], .object(JSONObject()))
        for field in ["containers", "initContainers"] {
            if let list = spec[field]?.arrayValue {
                spec[field] = .array(list.map(container))
            }
        }
        return spec
    }

    static func container(_ input: JSON) -> JSON {
        guard case .object = input else { return input }
        var c = input
        setIfAbsent(&c, ["terminationMessagePath"], "/dev/termination-log")
        setIfAbsent(&c, ["terminationMessagePolicy"], "File")
        setIfAbsent(&c, ["resources"], .object(JSONObject()))
        if c["imagePullPolicy"] == nil, let image = c["image"]?.stringValue {
            c["imagePullPolicy"] = .string(imagePullPolicy(image))
        }
        if let ports = c["ports"]?.arrayValue {
            c["ports"] = .array(ports.map { p in
                var p = p
                if case .object = p { setIfAbsent(&p, ["protocol"], "TCP") }
                return p
            })
        }
        return c
    }

    /// `Always` for `:latest` or untagged images (unless pinned by digest), else `IfNotPresent`.
    static func imagePullPolicy(_ image: String) -> String {
        if image.contains("@") { return "IfNotPresent" }
        let lastSegment = image.split(separator: "/").last.map(String.init) ?? image
        if let colon = lastSegment.lastIndex(of: ":") {
            return lastSegment[lastSegment.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
        }
        return "Always"
    }

    static func serviceSpec(_ input: JSON) -> JSON {
        var spec = input
        setIfAbsent(&spec, ["type"], "ClusterIP")
        setIfAbsent(&spec, ["sessionAffinity"], "None")
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if type != "ExternalName" {
            setIfAbsent(&spec, ["internalTrafficPolicy"], "Cluster")
            setIfAbsent(&spec, ["ipFamilyPolicy"], "SingleStack")
            setIfAbsent(&spec, ["ipFamilies"], ["IPv4"])
        }
        if type == "NodePort" || type == "LoadBalancer" {
            setIfAbsent(&spec, ["externalTrafficPolicy"], "Cluster")
        }
        if let ports = spec["ports"]?.arrayValue {
            spec["ports"] = .array(ports.map { p in
                var p = p
                guard case .object = p else { return p }
                setIfAbsent(&p, ["protocol"], "TCP")
                if p["targetPort"] == nil, let port = p["port"] { p["targetPort"] = port }
                return p
            })
        }
        return spec
    }

    /// Guaranteed when every container has equal cpu and memory requests and limits;
    /// BestEffort when none sets any; Burstable otherwise.
    static func qosClass(_ spec: JSON) -> String {
        let containers = (spec["containers"]?.arrayValue ?? []) + (spec["initContainers"]?.arrayValue ?? [])
        var any = false
        var guaranteed = !containers.isEmpty
        for c in containers {
            let req = c[path: ["resources", "requests"]]?.objectValue ?? JSONObject()
            let lim = c[path: ["resources", "limits"]]?.objectValue ?? JSONObject()
            if !req.isEmpty || !lim.isEmpty { any = true }
            for res in ["cpu", "memory"] {
                guard let l = lim[res] else { guaranteed = false; continue }
                if let q = req[res], q != l { guaranteed = false }
            }
        }
        if !any { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }
}
