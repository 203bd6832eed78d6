import PlinthJSON

/// Which field labels each built-in kind can be selected by, and the values an object has for
/// them — kube-apiserver's field-label conversion functions (`AddFieldLabelConversionFunc` in
/// `pkg/apis/*/v*/conversion.go`) and the registries' `ToSelectableFields`.
///
/// Every kind supports `metadata.name`; namespaced kinds also `metadata.namespace`. Kinds with
/// no registered conversion accept only those two and reject others with
/// `"foo" is not a known field selector: only "metadata.name", "metadata.namespace"`; kinds
/// with one reject with their own wording (`field label not supported: foo` for most core
/// kinds). Upstream quirks are kept: apps/v1 ReplicaSet registers no conversion, so
/// `status.replicas` is rejected there (kubernetes/kubernetes#135136) although the registry
/// computes it; Node and Namespace do not accept `metadata.namespace`.
public enum FieldLabels {
    /// One kind's accepted labels (label → the label matched against, for aliases) and how it
    /// words a rejection.
    struct Entry: Sendable {
        var labels: [String: String]
        var reject: @Sendable (_ label: String, _ version: String) -> String
    }

    static func identity(_ labels: [String]) -> [String: String] {
        var m: [String: String] = [:]
        for l in labels { m[l] = l }
        return m
    }

    static let notSupported: @Sendable (String, String) -> String = { label, _ in "field label not supported: " + label }

    static let table: [String: Entry] = {
        var t: [String: Entry] = [:]
        var pod = identity([
            "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
            "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
            "status.nominatedNodeName",
        ])
        pod["spec.host"] = "spec.nodeName"  // old v1 clients
        t["/Pod"] = Entry(labels: pod, reject: notSupported)
        t["/Node"] = Entry(labels: identity(["metadata.name", "spec.unschedulable"]), reject: notSupported)
        t["/ReplicationController"] = Entry(
            labels: identity(["metadata.name", "metadata.namespace", "status.replicas"]), reject: notSupported)
        t["/Event"] = Entry(labels: identity([
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type", "metadata.namespace", "metadata.name",
        ]), reject: notSupported)
        t["/Namespace"] = Entry(labels: identity(["status.phase", "metadata.name"]), reject: notSupported)
        t["/Secret"] = Entry(labels: identity(["type", "metadata.namespace", "metadata.name"]), reject: notSupported)
        t["/Service"] = Entry(
            labels: identity(["metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"]), reject: notSupported)
        t["events.k8s.io/Event"] = Entry(labels: [
            "reason": "reason",
            "regarding.kind": "involvedObject.kind",
            "regarding.namespace": "involvedObject.namespace",
            "regarding.name": "involvedObject.name",
            "regarding.uid": "involvedObject.uid",
            "regarding.apiVersion": "involvedObject.apiVersion",
            "regarding.resourceVersion": "involvedObject.resourceVersion",
            "regarding.fieldPath": "involvedObject.fieldPath",
            "reportingController": "reportingComponent",
            "source": "source",
            "type": "type",
            "metadata.namespace": "metadata.namespace",
            "metadata.name": "metadata.name",
        ], reject: notSupported)
        t["batch/Job"] = Entry(
            labels: identity(["metadata.name", "metadata.namespace", "status.successful"]),
            reject: { label, _ in "field label \(GoStringFormat.quote(label)) not supported for batchv1.Job" })
        t["certificates.k8s.io/CertificateSigningRequest"] = Entry(
            labels: identity(["metadata.name", "spec.signerName"]), reject: notSupported)
        t["certificates.k8s.io/ClusterTrustBundle"] = Entry(
            labels: identity(["metadata.name", "spec.signerName"]), reject: notSupported)
        t["certificates.k8s.io/PodCertificateRequest"] = Entry(
            labels: identity(["metadata.name", "spec.signerName", "spec.podName", "spec.nodeName"]), reject: notSupported)
        t["resource.k8s.io/ResourceSlice"] = Entry(
            labels: identity(["metadata.name", "spec.nodeName", "spec.driver"]),
            reject: { label, version in "field label not supported for resource.k8s.io/\(version), Kind=ResourceSlice: \(label)" })
        return t
    }()

    /// `runtime.DefaultMetaV1FieldSelectorConversion`'s rejection.
    static func defaultReject(_ label: String) -> String {
        GoStringFormat.quote(label) + " is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
    }

    /// The labels `kind` accepts in `?fieldSelector=` (aliases included), sorted.
    public static func supported(group: String, kind: String, customFields: [String] = []) -> [String] {
        if let e = table[group + "/" + kind] { return e.labels.keys.sorted() }
        return (["metadata.name", "metadata.namespace"] + customFields).sorted()
    }

    /// `Scheme.ConvertFieldLabel`: the label to match for `label`, or upstream's error for a
    /// label the kind does not support. `customFields` are a custom resource's selectable
    /// fields (as `spec.color`, without the leading dot); they are accepted along with
    /// `metadata.name` and `metadata.namespace`.
    public static func convert(group: String, version: String, kind: String, label: String, customFields: [String] = []) throws(SelectorError) -> String {
        if let e = table[group + "/" + kind] {
            if let mapped = e.labels[label] { return mapped }
            throw SelectorError(e.reject(label, version))
        }
        if label == "metadata.name" || label == "metadata.namespace" || customFields.contains(label) { return label }
        throw SelectorError(defaultReject(label))
    }

    // MARK: - Values

    /// The (converted) labels whose values `fieldValues` computes for a kind, besides
    /// `metadata.name` and `metadata.namespace`.
    static func selectableLabels(group: String, kind: String) -> [String] {
        switch (group, kind) {
        case ("", "Pod"):
            return ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                    "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"]
        case ("", "Node"): return ["spec.unschedulable"]
        case ("", "ReplicationController"), ("apps", "ReplicaSet"): return ["status.replicas"]
        case ("", "Event"), ("events.k8s.io", "Event"):
            return ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                    "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                    "reason", "reportingComponent", "source", "type"]
        case ("", "Namespace"): return ["status.phase"]
        case ("", "Secret"): return ["type"]
        case ("", "Service"): return ["spec.clusterIP", "spec.type"]
        case ("batch", "Job"): return ["status.successful"]
        case ("certificates.k8s.io", "CertificateSigningRequest"), ("certificates.k8s.io", "ClusterTrustBundle"):
            return ["spec.signerName"]
        case ("certificates.k8s.io", "PodCertificateRequest"): return ["spec.signerName", "spec.podName", "spec.nodeName"]
        case ("resource.k8s.io", "ResourceSlice"): return ["spec.nodeName", "spec.driver"]
        default: return []
        }
    }

    /// The selectable fields of `object` (a stored object of `group`/`kind`), keyed by the
    /// converted labels: what `converted(...)` selectors are matched against. Fields absent
    /// here read as "" when matching, as upstream. `customFields` (dotted paths without the
    /// leading dot) are read from the object for custom resources: strings as is, booleans and
    /// integers printed; absent or other values are left out.
    public static func fieldValues(group: String = "", kind: String, object: JSON, customFields: [String] = []) -> [String: String] {
        var f: [String: String] = [:]
        f["metadata.name"] = value(of: "metadata.name", group: group, kind: kind, object: object) ?? ""
        f["metadata.namespace"] = value(of: "metadata.namespace", group: group, kind: kind, object: object) ?? ""
        for label in selectableLabels(group: group, kind: kind) {
            f[label] = value(of: label, group: group, kind: kind, object: object) ?? ""
        }
        for path in customFields {
            if let v = customValue(path, object) { f[path] = v }
        }
        return f
    }

    /// One selectable field of `object`, computed on demand (nil when the kind has no such
    /// field): `selector.matches { FieldLabels.value(of: $0, group: g, kind: k, object: o) }`
    /// avoids building the whole field map.
    public static func value(of label: String, group: String = "", kind: String, object: JSON, customFields: [String] = []) -> String? {
        func str(_ path: String...) -> String { object[path: path]?.stringValue ?? "" }
        func bool(_ path: String...) -> String { (object[path: path]?.boolValue ?? false) ? "true" : "false" }
        func int(_ path: String...) -> String { String(object[path: path]?.intValue ?? 0) }
        switch label {
        case "metadata.name": return str("metadata", "name")
        case "metadata.namespace": return str("metadata", "namespace")
        default: break
        }
        switch (group, kind) {
        case ("", "Pod"):
            switch label {
            case "spec.nodeName": return str("spec", "nodeName")
            case "spec.restartPolicy": return str("spec", "restartPolicy")
            case "spec.schedulerName": return str("spec", "schedulerName")
            case "spec.serviceAccountName": return str("spec", "serviceAccountName")
            case "spec.hostNetwork": return bool("spec", "hostNetwork")
            case "status.phase": return str("status", "phase")
            case "status.podIP":
                // The first of status.podIPs (a v1 client may have set only status.podIP).
                if let ip = object[path: ["status", "podIPs"]]?.arrayValue?.first?["ip"]?.stringValue { return ip }
                return str("status", "podIP")
            case "status.nominatedNodeName": return str("status", "nominatedNodeName")
            default: break
            }
        case ("", "Node"):
            if label == "spec.unschedulable" { return bool("spec", "unschedulable") }
        case ("", "ReplicationController"), ("apps", "ReplicaSet"):
            if label == "status.replicas" { return int("status", "replicas") }
        case ("", "Event"), ("events.k8s.io", "Event"):
            return eventValue(label, object)
        case ("", "Namespace"):
            if label == "status.phase" { return str("status", "phase") }
        case ("", "Secret"):
            if label == "type" { return str("type") }
        case ("", "Service"):
            if label == "spec.clusterIP" { return str("spec", "clusterIP") }
            if label == "spec.type" { return str("spec", "type") }
        case ("batch", "Job"):
            if label == "status.successful" { return int("status", "succeeded") }
        case ("certificates.k8s.io", "CertificateSigningRequest"), ("certificates.k8s.io", "ClusterTrustBundle"):
            if label == "spec.signerName" { return str("spec", "signerName") }
        case ("certificates.k8s.io", "PodCertificateRequest"):
            if label == "spec.signerName" { return str("spec", "signerName") }
            if label == "spec.podName" { return str("spec", "podName") }
            if label == "spec.nodeName" { return str("spec", "nodeName") }
        case ("resource.k8s.io", "ResourceSlice"):
            if label == "spec.nodeName" { return str("spec", "nodeName") }
            if label == "spec.driver" { return str("spec", "driver") }
        default:
            break
        }
        if customFields.contains(label) { return customValue(label, object) }
        return nil
    }

    static func customValue(_ path: String, _ object: JSON) -> String? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        switch object[path: parts] {
        case .string(let s)?: return s
        case .bool(let b)?: return b ? "true" : "false"
        case .int(let i)?: return String(i)
        case .double(let d)? where d.rounded() == d && abs(d) < 9.2e18: return String(Int64(d))
        default: return nil
        }
    }

    /// Event fields from the core/v1 shape (`involvedObject`, `source`, `reportingComponent`) or
    /// the events.k8s.io shape (`regarding`, `deprecatedSource`, `reportingController`), as the
    /// object is stored. `source` is the source component, or the reporting controller when
    /// that is empty.
    static func eventValue(_ label: String, _ object: JSON) -> String? {
        func str(_ path: String...) -> String { object[path: path]?.stringValue ?? "" }
        let eventsShape = object["involvedObject"] == nil && object["regarding"] != nil
        if label.hasPrefix("involvedObject.") {
            let field = String(label.dropFirst("involvedObject.".count))
            switch field {
            case "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath":
                return object[path: [eventsShape ? "regarding" : "involvedObject", field]]?.stringValue ?? ""
            default:
                return nil
            }
        }
        let controller = eventsShape ? str("reportingController") : str("reportingComponent")
        switch label {
        case "reason": return str("reason")
        case "type": return str("type")
        case "reportingComponent": return controller
        case "source":
            let component = eventsShape ? str("deprecatedSource", "component") : str("source", "component")
            return component.isEmpty ? controller : component
        default: return nil
        }
    }
}
