import Foundation
import Hummingbird
import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// `POST …/pods/<name>/eviction` (upstream `EvictionREST`, what `kubectl drain` sends): deletes
    /// the pod unless that would take a PodDisruptionBudget covering it below its minimum. A pod
    /// that is not running, already going or not ready (with a budget that is currently met or
    /// `unhealthyPodEvictionPolicy: AlwaysAllow`) goes without counting; otherwise the budget's
    /// `disruptionsAllowed` is spent (recorded in `disruptedPods`) before the pod is deleted, or
    /// the eviction is refused with 429 and upstream's message.
    func evictPod(_ request: Request, namespace: String, name: String, options: WriteOptions) async throws(APIError) -> Response {
        guard let pods = catalog.lookup(group: "", version: "v1", plural: "pods"),
              let budgets = catalog.lookup(group: "policy", version: "v1", plural: "poddisruptionbudgets") else { throw APIError.pathNotFound() }
        let body = try await readBody(request)
        let eviction = try BodyDecoder.decodeObject(body, mediaType: BodyDecoder.MediaType(request.headers[.contentType]))
        guard eviction.string("metadata", "name") == name else {
            throw APIError.badRequest("name in URL does not match name in Eviction object")
        }
        var deleteOptions = DeleteOptions()
        if let o = eviction["deleteOptions"], !o.isNull {
            deleteOptions = try DeleteOptions(body: o.serialized(), query: QueryParameters(nil))
        }
        deleteOptions.dryRun = deleteOptions.dryRun || options.dryRun
        let pod = try await registry.get(pods, namespace: namespace, name: name).object
        if deleteOptions.uid == nil { deleteOptions.uid = pod.string("metadata", "uid") }

        let phase = pod.string("status", "phase") ?? "Pending"
        let going = pod[path: ["metadata", "deletionTimestamp"]].map { !$0.isNull } ?? false
        if !["Succeeded", "Failed", "Pending"].contains(phase) && !going {
            let labels = pod[path: ["metadata", "labels"]]?.objectValue
            // policy/v1: an empty selector covers every pod of the namespace, a missing one none.
            let covering = try registry.cache(budgets).objects(namespace: namespace).filter { budget in
                guard let json = budget.object[path: ["spec", "selector"]], !json.isNull,
                      let selector = try? LabelSelector(json: json) else { return false }
                return selector.matches(labels: labels)
            }
            if covering.count > 1 {
                throw APIError(code: 500, reason: "InternalError",
                               message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")
            }
            if let budget = covering.first {
                try await spendDisruption(budgets, budget.object, pod: pod, dryRun: deleteOptions.dryRun, user: options.user)
            }
        }
        _ = try await registry.delete(pods, namespace: namespace, name: name, options: deleteOptions)
        let status: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201]
        return APIResponse.json(.created, status)
    }

    /// Takes one allowed disruption from `budget` for `pod`, or refuses the eviction (429).
    func spendDisruption(_ budgets: ResourceType, _ budget: JSON, pod: JSON, dryRun: Bool, user: UserInfo?) async throws(APIError) {
        let budgetName = budget.string("metadata", "name") ?? ""
        let podName = pod.string("metadata", "name") ?? ""
        let refuse = { (detail: String) in
            APIError(code: 429, reason: "TooManyRequests", message: "Cannot evict pod as it would violate the pod's disruption budget.",
                     causes: [.init(reason: "DisruptionBudget", message: detail)])
        }
        let ready = (pod[path: ["status", "conditions"]]?.arrayValue ?? []).contains { $0.string("type") == "Ready" && $0.string("status") == "True" }
        let healthy = budget[path: ["status", "currentHealthy"]]?.intValue ?? 0
        let desired = budget[path: ["status", "desiredHealthy"]]?.intValue ?? 0
        if !ready && (budget.string("spec", "unhealthyPodEvictionPolicy") == "AlwaysAllow" || healthy >= desired) { return }
        if (budget[path: ["status", "observedGeneration"]]?.intValue ?? -1) < (budget[path: ["metadata", "generation"]]?.intValue ?? 0) {
            throw refuse("The disruption budget \(budgetName) is still being processed by the server.")
        }
        guard !dryRun else {
            if (budget[path: ["status", "disruptionsAllowed"]]?.intValue ?? 0) <= 0 {
                throw refuse("The disruption budget \(budgetName) needs \(desired) healthy pods and has \(healthy) currently")
            }
            return
        }
        _ = try await registry.guaranteedUpdate(budgets, namespace: budget.string("metadata", "namespace"), name: budgetName,
                                                precondition: nil, options: WriteOptions(fieldManager: "kube-apiserver", user: user)) { current throws(APIError) in
            let allowed = current[path: ["status", "disruptionsAllowed"]]?.intValue ?? 0
            guard allowed > 0 else {
                let h = current[path: ["status", "currentHealthy"]]?.intValue ?? 0
                let d = current[path: ["status", "desiredHealthy"]]?.intValue ?? 0
                throw refuse("The disruption budget \(budgetName) needs \(d) healthy pods and has \(h) currently")
            }
            var next = current
            next[path: ["status", "disruptionsAllowed"]] = .int(allowed - 1)
            next[path: ["status", "disruptedPods", podName]] = .string(Timestamp.now())
            return next
        }
    }
}
