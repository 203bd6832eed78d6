import Foundation
import PlinthAPIMachinery
import PlinthJSON

/// Upstream's LimitRanger admission plugin as pure functions: default requests and limits for
/// pod containers (mutation), then min / max / max-limit-to-request-ratio checks for
/// containers, whole pods and PersistentVolumeClaim storage (validation), with upstream's
/// message texts.
///
/// Map iteration in upstream is random; here resources are visited in sorted order so that
/// the messages are stable.
public enum LimitRangeRules {
    /// The annotation that records which defaults were filled in.
    public static let annotation = "kubernetes.io/limit-ranger"

    /// Whether the plugin looks at this write: pods on create (and `resize` updates; other pod
    /// updates cannot change containers), PVCs on create and update, no other subresource, and
    /// nothing whose stored object is already being deleted.
    public static func handles(_ r: ResourceType, operation: AdmissionAttributes.Operation, subresource: String?,
                               old: JSON? = nil) -> Bool {
        if let old, old[path: ["metadata", "deletionTimestamp"]].map({ !$0.isNull }) ?? false { return false }
        guard r.group.isEmpty else { return false }
        let sub = subresource ?? ""
        switch r.plural {
        case "pods": return (sub.isEmpty && operation == .create) || (sub == "resize" && operation == .update)
        case "persistentvolumeclaims": return sub.isEmpty
        default: return false
        }
    }

    // MARK: - Defaults

    /// API defaulting of one `spec.limits` item (upstream `SetDefaults_LimitRangeItem`), per
    /// resource, for `type: Container` only: a missing `default` takes `max`, a missing
    /// `defaultRequest` takes `default` and else `min`. Idempotent, so it is safe on items
    /// that were already defaulted when stored.
    public static func defaultedItem(_ item: JSON) -> JSON {
        guard item.string("type") == "Container" else { return item }
        let max = item["max"]?.objectValue ?? JSONObject()
        let min = item["min"]?.objectValue ?? JSONObject()
        var def = item["default"]?.objectValue ?? JSONObject()
        var defRequest = item["defaultRequest"]?.objectValue ?? JSONObject()
        for (k, v) in max where def[k] == nil { def[k] = v }
        for (k, v) in def where defRequest[k] == nil { defRequest[k] = v }
        for (k, v) in min where defRequest[k] == nil { defRequest[k] = v }
        var out = item
        if !def.isEmpty { out["default"] = .object(def) }
        if !defRequest.isEmpty { out["defaultRequest"] = .object(defRequest) }
        return out
    }

    /// Fills each container's and init container's missing requests and limits from the
    /// `type: Container` items of each LimitRange in turn (`defaultRequest` → requests,
    /// `default` → limits; a resource the container sets, even to zero, is kept), and records
    /// what was filled in the `kubernetes.io/limit-ranger` annotation as upstream words it:
    /// `LimitRanger plugin set: cpu, memory request for container app; cpu limit for init
    /// container setup`. Each LimitRange that fills something rewrites the annotation.
    public static func applyDefaults(to pod: inout JSON, limitRanges: [JSON]) {
        for lr in limitRanges {
            var requests: [String: Quantity] = [:]
            var limits: [String: Quantity] = [:]
            for raw in lr[path: ["spec", "limits"]]?.arrayValue ?? [] where raw.string("type") == "Container" {
                let item = defaultedItem(raw)
                requests.merge(QuotaUsage.resourceList(item["defaultRequest"])) { $1 }
                limits.merge(QuotaUsage.resourceList(item["default"])) { $1 }
            }
            var notes: [String] = []
            for (field, label) in [("containers", "container"), ("initContainers", "init container")] {
                guard var list = pod[path: ["spec", field]]?.arrayValue else { continue }
                for i in list.indices {
                    let name = list[i].string("name") ?? ""
                    let setRequests = fill(&list[i], "requests", from: requests)
                    let setLimits = fill(&list[i], "limits", from: limits)
                    if !setRequests.isEmpty { notes.append(setRequests.joined(separator: ", ") + " request for \(label) \(name)") }
                    if !setLimits.isEmpty { notes.append(setLimits.joined(separator: ", ") + " limit for \(label) \(name)") }
                }
                pod[path: ["spec", field]] = .array(list)
            }
            if !notes.isEmpty {
                pod[path: ["metadata", "annotations", annotation]] = .string("LimitRanger plugin set: " + notes.joined(separator: "; "))
            }
        }
    }

    /// Adds the defaults the container's `resources.<key>` lacks; returns their names, sorted.
    private static func fill(_ container: inout JSON, _ key: String, from defaults: [String: Quantity]) -> [String] {
        var list = container[path: ["resources", key]]?.objectValue ?? JSONObject()
        let added = defaults.keys.filter { list[$0] == nil }.sorted()
        guard !added.isEmpty else { return [] }
        for k in added { list[k] = .string(defaults[k]!.description) }
        list.sortKeys()
        container[path: ["resources", key]] = .object(list)
        return added
    }

    // MARK: - Validation

    /// What the pod violates, worded as upstream (`minimum cpu usage per Container is 100m, but
    /// request is 50m`, `maximum memory usage per Pod is 1Gi.  No limit is specified`, `cpu max
    /// limit to request ratio per Container is 2, but provided ratio is 4.000000`). Upstream
    /// stops at the first LimitRange that fails, so these all come from one LimitRange: per
    /// item, per container then init container, min before max before ratio. `type: Pod`
    /// items look at the pod's total (containers summed, init containers by maximum, sidecars
    /// counted; no overhead). Empty when the pod fits.
    public static func violations(pod: JSON, limitRanges: [JSON]) -> [String] {
        let containers = QuotaUsage.containers(pod, "containers")
        let initContainers = QuotaUsage.containers(pod, "initContainers")
        for lr in limitRanges {
            var errors: [String] = []
            for item in lr[path: ["spec", "limits"]]?.arrayValue ?? [] {
                let type = item.string("type") ?? ""
                if type == "Container" {
                    for c in containers + initContainers {
                        errors += check(item, type, requests: c.requests, limits: c.limits)
                    }
                } else if type == "Pod" {
                    errors += check(item, type,
                                    requests: QuotaUsage.aggregate(containers, initContainers, \.requests),
                                    limits: QuotaUsage.aggregate(containers, initContainers, \.limits))
                }
            }
            if !errors.isEmpty { return errors }
        }
        return []
    }

    /// What the claim violates: `type: PersistentVolumeClaim` items bound
    /// `spec.resources.requests` (limits are not user input for claims), e.g. `minimum storage
    /// usage per PersistentVolumeClaim is 1Gi, but request is 500Mi`. From the first
    /// LimitRange that fails, as for pods.
    public static func violations(claim: JSON, limitRanges: [JSON]) -> [String] {
        let requests = QuotaUsage.resourceList(claim[path: ["spec", "resources", "requests"]])
        for lr in limitRanges {
            var errors: [String] = []
            for item in lr[path: ["spec", "limits"]]?.arrayValue ?? [] where item.string("type") == "PersistentVolumeClaim" {
                let type = "PersistentVolumeClaim"
                for (name, enforced) in sortedList(item["min"]) {
                    if let e = minimum(type, name, enforced, requests: requests, limits: [:]) { errors.append(e) }
                }
                for (name, enforced) in sortedList(item["max"]) {
                    if let e = maximumRequest(type, name, enforced, requests: requests) { errors.append(e) }
                }
            }
            if !errors.isEmpty { return errors }
        }
        return []
    }

    /// The text of the 403 for several violations (upstream's aggregate error): one message as
    /// it is, several (duplicates dropped) as `[a, b]`.
    public static func message(_ violations: [String]) -> String {
        var seen = Set<String>()
        let unique = violations.filter { seen.insert($0).inserted }
        return unique.count == 1 ? unique[0] : "[" + unique.joined(separator: ", ") + "]"
    }

    private static func check(_ item: JSON, _ type: String, requests: [String: Quantity],
                              limits: [String: Quantity]) -> [String] {
        var errors: [String] = []
        for (name, enforced) in sortedList(item["min"]) {
            if let e = minimum(type, name, enforced, requests: requests, limits: limits) { errors.append(e) }
        }
        for (name, enforced) in sortedList(item["max"]) {
            if let e = maximum(type, name, enforced, requests: requests, limits: limits) { errors.append(e) }
        }
        for (name, enforced) in sortedList(item["maxLimitRequestRatio"]) {
            if let e = ratio(type, name, enforced, requests: requests, limits: limits) { errors.append(e) }
        }
        return errors
    }

    private static func sortedList(_ j: JSON?) -> [(String, Quantity)] {
        let list = QuotaUsage.resourceList(j)
        return list.keys.sorted().map { ($0, list[$0]!) }
    }

    /// Upstream compares in thousandths when no value is too large for them, else in units
    /// (both rounded up), absent values counting as zero.
    private static func comparable(_ request: Quantity?, _ limit: Quantity?, _ enforced: Quantity)
        -> (request: Int64, limit: Int64, enforced: Int64) {
        let r = request ?? .zero, l = limit ?? .zero
        if r.value <= maxMilliValue && l.value <= maxMilliValue && enforced.value <= maxMilliValue {
            return (r.milliValue, l.milliValue, enforced.milliValue)
        }
        return (r.value, l.value, enforced.value)
    }

    /// The largest value whose thousandths fit in 64 bits (upstream `resource.MaxMilliValue`).
    private static let maxMilliValue = Int64.max / 1000

    private static func minimum(_ type: String, _ name: String, _ enforced: Quantity,
                                requests: [String: Quantity], limits: [String: Quantity]) -> String? {
        let v = comparable(requests[name], limits[name], enforced)
        guard let request = requests[name] else {
            return "minimum \(name) usage per \(type) is \(enforced).  No request is specified"
        }
        if v.request < v.enforced { return "minimum \(name) usage per \(type) is \(enforced), but request is \(request)" }
        if let limit = limits[name], v.limit < v.enforced {
            return "minimum \(name) usage per \(type) is \(enforced), but limit is \(limit)"
        }
        return nil
    }

    private static func maximum(_ type: String, _ name: String, _ enforced: Quantity,
                                requests: [String: Quantity], limits: [String: Quantity]) -> String? {
        let v = comparable(requests[name], limits[name], enforced)
        guard let limit = limits[name] else {
            return "maximum \(name) usage per \(type) is \(enforced).  No limit is specified"
        }
        if v.limit > v.enforced { return "maximum \(name) usage per \(type) is \(enforced), but limit is \(limit)" }
        if let request = requests[name], v.request > v.enforced {
            return "maximum \(name) usage per \(type) is \(enforced), but request is \(request)"
        }
        return nil
    }

    /// The claim form of `maximum`: only the request is bounded.
    private static func maximumRequest(_ type: String, _ name: String, _ enforced: Quantity,
                                       requests: [String: Quantity]) -> String? {
        let v = comparable(requests[name], nil, enforced)
        guard let request = requests[name] else {
            return "maximum \(name) usage per \(type) is \(enforced).  No request is specified"
        }
        if v.request > v.enforced { return "maximum \(name) usage per \(type) is \(enforced), but request is \(request)" }
        return nil
    }

    private static func ratio(_ type: String, _ name: String, _ enforced: Quantity,
                              requests: [String: Quantity], limits: [String: Quantity]) -> String? {
        let v = comparable(requests[name], limits[name], enforced)
        let prefix = "\(name) max limit to request ratio per \(type) is \(enforced)"
        if requests[name] == nil || v.request == 0 { return prefix + ", but no request is specified or request is 0" }
        if limits[name] == nil || v.limit == 0 { return prefix + ", but no limit is specified or limit is 0" }
        let observed = Double(v.limit) / Double(v.request)
        // Compared in thousandths when the bound allows, as upstream; printed as the plain ratio.
        let exceeds = enforced.value <= maxMilliValue
            ? observed * 1000 > Double(enforced.milliValue)
            : observed > Double(enforced.value)
        return exceeds ? prefix + ", but provided ratio is " + String(format: "%f", observed) : nil
    }
}
