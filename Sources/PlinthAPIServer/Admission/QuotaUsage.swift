import PlinthAPIMachinery
import PlinthJSON

/// What objects count against a ResourceQuota, and whether one more write fits: upstream's quota
/// evaluators (`pkg/quota/v1/evaluator/core`, the generic object-count evaluator) and the checks
/// of the ResourceQuota admission plugin, as pure functions over JSON objects.
///
/// Resource lists are `[String: Quantity]` keyed by quota resource name (`requests.cpu`,
/// `count/pods`, `gold.storageclass.storage.k8s.io/requests.storage`). Messages are worded as
/// upstream words them; `forbidden` wraps one the way admission does.
public enum QuotaUsage {
    /// The answer for one quota or for a whole request.
    public enum Outcome: Sendable, Equatable {
        /// The request fits; `used` is what the quota's `status.used` becomes (unchanged when
        /// the request adds nothing to it).
        case allowed(used: [String: Quantity])
        /// The request does not fit; the text goes into `forbidden`.
        case denied(String)
    }

    /// One quota whose `status.used` must be written before the object is stored.
    public struct Charge: Sendable, Equatable {
        /// Position of the quota in the list handed to `evaluate`.
        public var index: Int
        public var name: String
        /// The new `status.used`.
        public var used: [String: Quantity]
    }

    /// The answer of `evaluate` for a whole request.
    public enum Decision: Sendable, Equatable {
        /// Every matching quota has room; write these charges (none: nothing to update).
        case allowed([Charge])
        /// Rejected; the text goes into `forbidden`.
        case denied(String)
    }

    // MARK: - Which writes are charged

    /// Resources the quota plugin never looks at (upstream `DefaultIgnoredResources`): virtual
    /// kinds that are not stored, and events.
    public static func isIgnored(_ r: ResourceType) -> Bool {
        switch (r.group, r.plural) {
        case ("", "bindings"), ("", "componentstatuses"), ("", "events"), ("events.k8s.io", "events"),
             ("authentication.k8s.io", "tokenreviews"), ("authentication.k8s.io", "selfsubjectreviews"),
             ("authorization.k8s.io", "subjectaccessreviews"), ("authorization.k8s.io", "selfsubjectaccessreviews"),
             ("authorization.k8s.io", "localsubjectaccessreviews"), ("authorization.k8s.io", "selfsubjectrulesreviews"):
            return true
        default:
            return r.isVirtual
        }
    }

    /// Whether quota admission evaluates this write at all (the plugin's filters plus the
    /// evaluator's `Handles`): only namespaced, non-ignored resources; pods on create (and on
    /// `resize` updates), services and PVCs on create and update (a type or size can change),
    /// everything else on create only. Other subresources are never charged, except a PVC
    /// `status` update that changes `status.allocatedResources.storage`.
    public static func handles(_ r: ResourceType, operation: AdmissionAttributes.Operation, subresource: String?,
                               object: JSON? = nil, old: JSON? = nil) -> Bool {
        guard r.namespaced, !isIgnored(r) else { return false }
        let sub = subresource ?? ""
        switch (r.group, r.plural) {
        case ("", "pods"):
            return (sub.isEmpty && operation == .create) || (sub == "resize" && operation == .update)
        case ("", "persistentvolumeclaims"):
            if sub.isEmpty { return true }
            guard sub == "status", operation == .update, let object, let old else { return false }
            return object[path: ["status", "allocatedResources", "storage"]].flatMap(quantity)
                != old[path: ["status", "allocatedResources", "storage"]].flatMap(quantity)
        case ("", "services"):
            return sub.isEmpty
        default:
            return sub.isEmpty && operation == .create
        }
    }

    // MARK: - Usage of one object

    /// `count/<plural>` for the core group, `count/<plural>.<group>` otherwise.
    public static func objectCountName(_ r: ResourceType) -> String {
        r.group.isEmpty ? "count/\(r.plural)" : "count/\(r.plural).\(r.group)"
    }

    /// What one object counts against quota (upstream's evaluator `Usage`).
    ///
    /// Every object counts `count/<plural>[.<group>]`; configmaps, secrets, replication
    /// controllers and resource quotas also count their legacy name. Pods count `pods` and
    /// their compute requests and limits (sidecar-aware: containers summed, init containers
    /// folded in by maximum, plus `spec.overhead`) unless Succeeded or Failed, or past their
    /// deletion grace period at `now` (Unix seconds; the rule is skipped when nil). PVCs count
    /// claims and storage, also per storage class. Services count themselves, load balancers
    /// and node ports.
    public static func usage(of object: JSON, _ r: ResourceType, now: Int64? = nil) -> [String: Quantity] {
        let one = Quantity(value: 1, format: .decimalSI)
        var result = [objectCountName(r): one]
        guard r.group.isEmpty else { return result }
        switch r.plural {
        case "pods":
            return podUsage(object, now: now)
        case "persistentvolumeclaims":
            return claimUsage(object)
        case "services":
            return serviceUsage(object)
        case "configmaps", "secrets", "replicationcontrollers", "resourcequotas":
            result[r.plural] = one
            return result
        default:
            return result
        }
    }

    private static let podResources: Set<String> = [
        "count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
        "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
    ]

    /// The quota resource names among `names` that objects of `r` are charged for (upstream
    /// `MatchingResources`), sorted and without duplicates.
    public static func matchingResources(_ names: [String], _ r: ResourceType) -> [String] {
        Array(Set(names.filter { isCharged($0, r) })).sorted()
    }

    /// Whether objects of `r` are charged for the quota resource `name`.
    static func isCharged(_ name: String, _ r: ResourceType) -> Bool {
        guard r.group.isEmpty else { return name == objectCountName(r) }
        switch r.plural {
        case "pods":
            return podResources.contains(name) || name.hasPrefix("hugepages-")
                || name.hasPrefix("requests.hugepages-")
                || (!isNativeResource(name) && name.hasPrefix("requests."))
        case "persistentvolumeclaims":
            return ["count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage"].contains(name)
                || name.hasSuffix(storageClassSuffix + "persistentvolumeclaims")
                || name.hasSuffix(storageClassSuffix + "requests.storage")
        case "services":
            return ["count/services", "services", "services.nodeports", "services.loadbalancers"].contains(name)
        case "configmaps", "secrets", "replicationcontrollers", "resourcequotas":
            return name == objectCountName(r) || name == r.plural
        default:
            return name == objectCountName(r)
        }
    }

    // MARK: - Which quotas apply

    /// Whether `quota` applies to `object` (upstream `Matches`): its `status.hard` names at least
    /// one resource objects of `r` are charged for, and the object is in every scope of
    /// `spec.scopes` and `spec.scopeSelector`. Scopes exist for pods only: a scoped quota never
    /// matches anything else.
    ///
    /// Upstream reads `status.hard`, not `spec.hard`: a quota the controller has not synced yet
    /// matches nothing.
    public static func matches(quota: JSON, object: JSON, _ r: ResourceType) -> Bool {
        Quota(quota).matches(object, r)
    }

    /// Whether the object is in every scope the quota names (true for an unscoped quota). The
    /// quota controller counts an object toward `status.used` when this holds.
    public static func matchesScopes(quota: JSON, object: JSON, _ r: ResourceType) -> Bool {
        scopeSelectors(of: quota).allSatisfy { podMatches(scope: $0, object, r) }
    }

    /// One scope requirement: `spec.scopes` entries become `Exists` requirements.
    struct ScopeRequirement {
        var scope: String
        var op: String
        var values: [String]
    }

    static func scopeSelectors(of quota: JSON) -> [ScopeRequirement] {
        var result = (quota[path: ["spec", "scopes"]]?.arrayValue ?? []).compactMap(\.stringValue)
            .map { ScopeRequirement(scope: $0, op: "Exists", values: []) }
        for e in quota[path: ["spec", "scopeSelector", "matchExpressions"]]?.arrayValue ?? [] {
            result.append(ScopeRequirement(scope: e.string("scopeName") ?? "", op: e.string("operator") ?? "",
                                           values: (e["values"]?.arrayValue ?? []).compactMap(\.stringValue)))
        }
        return result
    }

    static func podMatches(scope s: ScopeRequirement, _ pod: JSON, _ r: ResourceType) -> Bool {
        guard r.group.isEmpty, r.plural == "pods" else { return false }
        switch s.scope {
        case "Terminating": return isTerminating(pod)
        case "NotTerminating": return !isTerminating(pod)
        case "BestEffort": return isBestEffort(pod)
        case "NotBestEffort": return !isBestEffort(pod)
        case "PriorityClass":
            let name = pod.string("spec", "priorityClassName") ?? ""
            if s.op == "Exists" { return !name.isEmpty }
            // A label selector over {PriorityClass: name}, the label absent when there is no name.
            switch s.op {
            case "In": return !name.isEmpty && s.values.contains(name)
            case "NotIn": return name.isEmpty || !s.values.contains(name)
            case "DoesNotExist": return name.isEmpty
            default: return false
            }
        case "CrossNamespacePodAffinity":
            return usesCrossNamespaceAffinity(pod)
        default:
            return false
        }
    }

    /// `activeDeadlineSeconds` set and not negative.
    static func isTerminating(_ pod: JSON) -> Bool {
        guard let s = pod[path: ["spec", "activeDeadlineSeconds"]]?.intValue else { return false }
        return s >= 0
    }

    /// No container or init container has a positive cpu or memory request or limit (the
    /// BestEffort QoS class). Computed from the spec rather than taken from `status.qosClass`,
    /// which is the same for a pod the server has finished defaulting.
    static func isBestEffort(_ pod: JSON) -> Bool {
        for c in containers(pod, "containers") + containers(pod, "initContainers") {
            for list in [c.requests, c.limits] {
                for name in ["cpu", "memory"] {
                    if let q = list[name], q > .zero { return false }
                }
            }
        }
        return true
    }

    private static func usesCrossNamespaceAffinity(_ pod: JSON) -> Bool {
        func crossNamespace(_ term: JSON?) -> Bool {
            guard let term else { return false }
            return !(term["namespaces"]?.arrayValue ?? []).isEmpty
                || (term["namespaceSelector"].map { !$0.isNull } ?? false)
        }
        for kind in ["podAffinity", "podAntiAffinity"] {
            guard let a = pod[path: ["spec", "affinity", kind]] else { continue }
            for t in a["requiredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? [] where crossNamespace(t) {
                return true
            }
            for t in a["preferredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []
            where crossNamespace(t["podAffinityTerm"]) {
                return true
            }
        }
        return false
    }

    // MARK: - Checks

    /// Quota resources that, when limited, every container must request or limit explicitly
    /// (an upstream backward-compatibility rule for cpu and memory only).
    private static let mustSpecify: Set<String> = [
        "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory",
    ]

    /// Upstream's pod constraint (`Constraints`): when the quota limits cpu or memory, each
    /// container and init container must set the matching request or limit. Returns
    /// `must specify limits.cpu for: c1,c2; requests.memory for: c1` (resources and container
    /// names sorted), or nil. Admission words the failure as `failed quota: <name>: <this>`.
    public static func constraintsError(quotaHard: [String], object: JSON, _ r: ResourceType) -> String? {
        guard r.group.isEmpty, r.plural == "pods" else { return nil }
        let required = Set(matchingResources(quotaHard, r)).intersection(mustSpecify)
        guard !required.isEmpty else { return nil }
        var missing: [String: Set<String>] = [:]
        for c in containers(object, "containers") + containers(object, "initContainers") {
            let present = Set(computeUsage(requests: c.requests, limits: c.limits).keys)
            for name in required.subtracting(present) { missing[name, default: []].insert(c.name) }
        }
        guard !missing.isEmpty else { return nil }
        let parts = missing.keys.sorted().map { "\($0) for: \(missing[$0]!.sorted().joined(separator: ","))" }
        return "must specify " + parts.joined(separator: "; ")
    }

    /// `status unknown for quota: q, resources: a,b` when the quota limits resources charged to
    /// `r` (all of them are listed) and `used` lacks a value for one of them; else nil.
    public static func statusUnknownError(quota name: String, hard: [String: Quantity], used: [String: Quantity],
                                          _ r: ResourceType) -> String? {
        guard hard.keys.contains(where: { used[$0] == nil && isCharged($0, r) }) else { return nil }
        let restricted = matchingResources(Array(hard.keys), r)
        return "status unknown for quota: \(name), resources: \(restricted.joined(separator: ","))"
    }

    /// Charges `delta` (what the request adds, from `usage` or `delta(new:old:)`) to one quota
    /// that matches the object: first the `status unknown` check, then only the resources named
    /// in `hard` are added to `used`, and any of those (with a non-zero delta) that would pass
    /// `hard` fails with `exceeded quota: q, requested: …, used: …, limited: …` (the failing
    /// resources only, sorted). `enforce: false` (a `status` subresource write) charges
    /// without comparing.
    public static func check(quota name: String, hard: [String: Quantity], used: [String: Quantity],
                             delta: [String: Quantity], _ r: ResourceType, enforce: Bool = true) -> Outcome {
        if let text = statusUnknownError(quota: name, hard: hard, used: used, r) { return .denied(text) }
        return charge(quota: name, hard: hard, used: used, delta: delta, enforce: enforce)
    }

    /// The charging half of `check`, without the `status unknown` check.
    static func charge(quota name: String, hard: [String: Quantity], used: [String: Quantity],
                       delta: [String: Quantity], enforce: Bool) -> Outcome {
        let requested = delta.filter { hard[$0.key] != nil && !$0.value.isZero }
        guard !requested.isEmpty else { return .allowed(used: used) }
        let newUsed = add(used, requested)
        if enforce {
            let exceeded = requested.keys.filter { newUsed[$0]! > hard[$0]! }.sorted()
            if !exceeded.isEmpty {
                func list(_ l: [String: Quantity]) -> String {
                    exceeded.compactMap { k in l[k].map { "\(k)=\($0)" } }.joined(separator: ",")
                }
                return .denied("exceeded quota: \(name), requested: \(list(requested)), used: \(list(used)), limited: \(list(hard))")
            }
        }
        return .allowed(used: newUsed)
    }

    /// What an update adds: `new - old` per resource, never below zero (upstream
    /// `SubtractWithNonNegativeResult`).
    public static func delta(new: [String: Quantity], old: [String: Quantity]) -> [String: Quantity] {
        var result: [String: Quantity] = [:]
        for (k, v) in new {
            let d = old[k].map { v - $0 } ?? v
            result[k] = d > .zero ? d : .zero
        }
        for k in old.keys where result[k] == nil { result[k] = .zero }
        return result
    }

    /// Upstream's whole quota admission check (`CheckRequest`) for one write, given the
    /// namespace's quotas in order. The order of failures is upstream's: for each quota that
    /// matches, its pod constraints (`failed quota: q: must specify …`), then its `status
    /// unknown`; then negative usage; then each quota's `exceeded quota`. Call only when
    /// `handles` says so. `old` is the stored object for updates: when it has a
    /// `resourceVersion`, quotas it also matched are charged only the increase.
    public static func evaluate(object: JSON, old: JSON?, quotas: [JSON], _ r: ResourceType,
                                subresource: String? = nil, now: Int64? = nil) -> Decision {
        evaluate(object: object, old: old, quotas: quotas.map(Quota.init), r, subresource: subresource, now: now)
    }

    /// `evaluate` over quotas already read into `Quota` values, so a caller deciding many
    /// writes against the same quotas parses them once.
    public static func evaluate(object: JSON, old: JSON?, quotas: [Quota], _ r: ResourceType,
                                subresource: String? = nil, now: Int64? = nil) -> Decision {
        var interesting: [Int] = []
        for (i, q) in quotas.enumerated() where q.matches(object, r) {
            if let text = constraintsError(quotaHard: Array(q.hard.keys), object: object, r) {
                return .denied("failed quota: \(q.name): \(text)")
            }
            if let text = statusUnknownError(quota: q.name, hard: q.hard, used: q.used, r) {
                return .denied(text)
            }
            interesting.append(i)
        }
        guard !interesting.isEmpty else { return .allowed([]) }

        let input = usage(of: object, r, now: now)
        let negative = input.filter { $0.value < .zero }.keys.sorted()
        if !negative.isEmpty {
            return .denied("quota usage is negative for resource(s): \(negative.joined(separator: ","))")
        }
        var deltas = Dictionary(uniqueKeysWithValues: interesting.map { ($0, input) })
        if let old, !(old.string("metadata", "resourceVersion") ?? "").isEmpty {
            let increase = delta(new: input, old: usage(of: old, r, now: now))
            for i in interesting where quotas[i].matches(old, r) { deltas[i] = increase }
        }

        var charges: [Charge] = []
        for i in interesting {
            let q = quotas[i]
            switch charge(quota: q.name, hard: q.hard, used: q.used, delta: deltas[i] ?? [:], enforce: subresource != "status") {
            case .denied(let text):
                return .denied(text)
            case .allowed(let newUsed):
                if newUsed != q.used { charges.append(Charge(index: i, name: q.name, used: newUsed)) }
            }
        }
        return .allowed(charges)
    }

    /// The 403 admission returns (upstream `admission.NewForbidden`):
    /// `<plural>[.<group>] "<name>" is forbidden: <text>`. Pass the object's name, else its
    /// `generateName`, else `Unknown`, as upstream does.
    public static func forbidden(_ r: ResourceType, name: String, _ text: String) -> APIError {
        let message = name.isEmpty
            ? "\(r.qualifiedResource) is forbidden: \(text)"
            : "\(r.qualifiedResource) \"\(name)\" is forbidden: \(text)"
        return APIError.forbidden(message, name: name, group: r.group, kind: r.plural)
    }

    // MARK: - Resource lists

    /// A quantity as the API accepts one: a string, or a JSON number.
    static func quantity(_ j: JSON) -> Quantity? {
        switch j {
        case .string(let s): return Quantity(s)
        case .int(let i): return Quantity(String(i))
        case .double(let d): return Quantity("\(d)")
        default: return nil
        }
    }

    /// A `ResourceList` object (`spec.hard`, `resources.requests`); malformed entries are left out.
    public static func resourceList(_ j: JSON?) -> [String: Quantity] {
        var result: [String: Quantity] = [:]
        for (k, v) in j?.objectValue ?? JSONObject() {
            if let q = quantity(v) { result[k] = q }
        }
        return result
    }

    /// A resource list as a JSON object, keys sorted as Go prints maps.
    public static func json(_ list: [String: Quantity]) -> JSON {
        var o = JSONObject()
        for k in list.keys.sorted() { o.appendUnchecked(k, .string(list[k]!.description)) }
        return .object(o)
    }

    /// `a + b` per resource; a value only one side has is kept as it is (so it prints as
    /// written, as upstream's copies do).
    static func add(_ a: [String: Quantity], _ b: [String: Quantity]) -> [String: Quantity] {
        var result = a
        for (k, v) in b { result[k] = result[k].map { $0 + v } ?? v }
        return result
    }

    /// Raises each resource of `list` to the one in `other` when that is larger.
    static func raise(_ list: inout [String: Quantity], to other: [String: Quantity]) {
        for (k, v) in other where list[k].map({ v > $0 }) ?? true { list[k] = v }
    }

    /// Resource names without a domain, or in `kubernetes.io`, are native; others are extended.
    static func isNativeResource(_ name: String) -> Bool {
        !name.contains("/") || name.contains("kubernetes.io/")
    }

    // MARK: - Pods

    /// What quota needs of one container.
    struct Container {
        var name: String
        var requests: [String: Quantity]
        var limits: [String: Quantity]
        /// A sidecar: an init container with `restartPolicy: Always`.
        var restartable: Bool
    }

    /// A pod's resource requests as the scheduler counts them (upstream `PodRequests`): its
    /// containers' and sidecars' requests summed, raised to its init containers' peak, plus
    /// `spec.overhead`.
    public static func podRequests(_ pod: JSON) -> [String: Quantity] {
        var total = aggregate(containers(pod, "containers"), containers(pod, "initContainers"), \.requests)
        for (k, v) in resourceList(pod[path: ["spec", "overhead"]]) { total[k] = (total[k] ?? .zero) + v }
        return total
    }

    static func containers(_ pod: JSON, _ field: String) -> [Container] {
        (pod[path: ["spec", field]]?.arrayValue ?? []).map { c in
            Container(name: c.string("name") ?? "",
                      requests: resourceList(c[path: ["resources", "requests"]]),
                      limits: resourceList(c[path: ["resources", "limits"]]),
                      restartable: c.string("restartPolicy") == "Always")
        }
    }

    /// A pod's requests or limits (upstream `PodRequests`/`PodLimits` without overhead):
    /// containers and sidecars summed; each plain init container runs beside the sidecars
    /// started before it, and the largest of those moments is the floor.
    static func aggregate(_ containers: [Container], _ initContainers: [Container],
                          _ pick: (Container) -> [String: Quantity]) -> [String: Quantity] {
        var total: [String: Quantity] = [:]
        for c in containers { total = add(total, pick(c)) }
        var sidecars: [String: Quantity] = [:]
        var initPeak: [String: Quantity] = [:]
        for c in initContainers {
            let own = pick(c)
            let moment: [String: Quantity]
            if c.restartable {
                total = add(total, own)
                sidecars = add(sidecars, own)
                moment = sidecars
            } else {
                moment = add(own, sidecars)
            }
            raise(&initPeak, to: moment)
        }
        raise(&total, to: initPeak)
        return total
    }

    /// Containers with in-place resize taken into account (upstream with `UseStatusResources`):
    /// one whose status reports `resources` counts the larger of spec, actual and allocated
    /// values (only actual and allocated while the resize is infeasible). Plain init containers
    /// always count their spec.
    private static func effective(_ pod: JSON, _ field: String, statuses: [String: JSON], infeasible: Bool) -> [Container] {
        containers(pod, field).map { c in
            guard field == "containers" || c.restartable, let s = statuses[c.name],
                  let actual = s["resources"], !actual.isNull else { return c }
            var e = c
            if infeasible {
                e.requests = resourceList(actual["requests"])
                e.limits = resourceList(actual["limits"])
            } else {
                raise(&e.requests, to: resourceList(actual["requests"]))
                raise(&e.limits, to: resourceList(actual["limits"]))
            }
            raise(&e.requests, to: resourceList(s["allocatedResources"]))
            return e
        }
    }

    /// The quota names one set of requests and limits is charged under (upstream
    /// `podComputeUsageHelper`); a request counts under both `cpu` and `requests.cpu`.
    static func computeUsage(requests: [String: Quantity], limits: [String: Quantity]) -> [String: Quantity] {
        var result = ["pods": Quantity(value: 1, format: .decimalSI)]
        for name in ["cpu", "memory", "ephemeral-storage"] {
            if let q = requests[name] {
                result[name] = q
                result["requests." + name] = q
            }
            if let q = limits[name] { result["limits." + name] = q }
        }
        for (name, q) in requests {
            if name.hasPrefix("hugepages-") {
                result[name] = q
                result["requests." + name] = q
            } else if !isNativeResource(name) && !name.hasPrefix("requests.") {
                // Extended resources can only be limited by their request.
                result["requests." + name] = q
            }
        }
        return result
    }

    private static func podUsage(_ pod: JSON, now: Int64?) -> [String: Quantity] {
        var result = ["count/pods": Quantity(value: 1, format: .decimalSI)]
        // Terminal pods, and pods stuck past their deletion grace period, hold nothing but their count.
        if PodPhase.isTerminal(pod) { return result }
        if let now, let deleted = pod.string("metadata", "deletionTimestamp").flatMap(RFC3339.parse),
           let grace = pod[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue,
           now > deleted.seconds + grace {
            return result
        }
        var statuses: [String: JSON] = [:]
        for field in ["containerStatuses", "initContainerStatuses"] {
            for st in pod[path: ["status", field]]?.arrayValue ?? [] {
                if let n = st.string("name") { statuses[n] = st }
            }
        }
        let infeasible = (pod[path: ["status", "conditions"]]?.arrayValue ?? [])
            .first { $0.string("type") == "PodResizePending" }?.string("reason") == "Infeasible"
        let main = effective(pod, "containers", statuses: statuses, infeasible: infeasible)
        let inits = effective(pod, "initContainers", statuses: statuses, infeasible: infeasible)
        let overhead = resourceList(pod[path: ["spec", "overhead"]])
        let requests = add(aggregate(main, inits, \.requests), overhead)
        var limits = aggregate(main, inits, \.limits)
        for (k, v) in overhead { if let l = limits[k], !l.isZero { limits[k] = l + v } }
        for (k, v) in computeUsage(requests: requests, limits: limits) { result[k] = v }
        return result
    }

    // MARK: - Claims and services

    private static let storageClassSuffix = ".storageclass.storage.k8s.io/"

    private static func claimUsage(_ claim: JSON) -> [String: Quantity] {
        let one = Quantity(value: 1, format: .decimalSI)
        var result = ["count/persistentvolumeclaims": one, "persistentvolumeclaims": one]
        // The beta annotation still wins over the field, as upstream.
        let storageClass = claim[path: ["metadata", "annotations", "volume.beta.kubernetes.io/storage-class"]]?.stringValue
            ?? claim.string("spec", "storageClassName") ?? ""
        if !storageClass.isEmpty { result[storageClass + storageClassSuffix + "persistentvolumeclaims"] = one }
        guard var storage = claim[path: ["spec", "resources", "requests", "storage"]].flatMap(quantity).map(wholeUnits)
        else { return result }
        // A resize in progress holds the larger of requested and allocated.
        if let allocated = claim[path: ["status", "allocatedResources", "storage"]].flatMap(quantity), allocated > storage {
            storage = wholeUnits(allocated)
        }
        result["requests.storage"] = storage
        if !storageClass.isEmpty { result[storageClass + storageClassSuffix + "requests.storage"] = storage }
        return result
    }

    /// Rounded up to whole bytes, so a fractional request still fits an integral quota.
    private static func wholeUnits(_ q: Quantity) -> Quantity {
        let whole = Quantity(value: q.value, format: q.format)
        return whole == q ? q : whole
    }

    private static func serviceUsage(_ service: JSON) -> [String: Quantity] {
        let one = Quantity(value: 1, format: .decimalSI)
        var result = ["count/services": one, "services": one,
                      "services.loadbalancers": Quantity.zero, "services.nodeports": Quantity.zero]
        let ports = service[path: ["spec", "ports"]]?.arrayValue ?? []
        switch service.string("spec", "type") {
        case "NodePort":
            result["services.nodeports"] = Quantity(value: Int64(ports.count), format: .decimalSI)
        case "LoadBalancer":
            // Without node port allocation only explicitly requested node ports count.
            let counted = service[path: ["spec", "allocateLoadBalancerNodePorts"]]?.boolValue == false
                ? ports.filter { ($0["nodePort"]?.intValue ?? 0) != 0 }.count : ports.count
            result["services.nodeports"] = Quantity(value: Int64(counted), format: .decimalSI)
            result["services.loadbalancers"] = one
        default:
            break
        }
        return result
    }
}
