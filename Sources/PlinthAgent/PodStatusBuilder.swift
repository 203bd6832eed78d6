import PlinthAPIMachinery
import PlinthJSON
import PlinthRuntime

/// The status a host agent posts for a pod, from the pod and what its runtime reports (upstream
/// kubelet's `generateAPIPodStatus`): phase, the pod conditions in upstream's order, addresses,
/// start time, and one `initContainerStatuses` / `containerStatuses` entry per container in spec
/// order. Conditions keep
/// their transition times while their status holds. Conditions carry no `lastProbeTime: null`:
/// the merge patch that posts them drops nulls, and the comparison with the stored status must
/// see equal values as equal.
enum PodStatusBuilder {
    static func status(pod: JSON, sandbox: SandboxStatus?, hostIP: String, now: String, waits: [String: ContainerBackOff.Wait] = [:],
                       probes: [String: ProbeResults.Container] = [:]) -> JSON {
        var holder: JSON = ["status": pod["status"] ?? [:]]
        let containers = pod[path: ["spec", "containers"]]?.arrayValue ?? []
        let initContainers = pod[path: ["spec", "initContainers"]]?.arrayValue ?? []
        // With init containers, a container not started yet waits in PodInitializing.
        let notStarted = initContainers.isEmpty ? "ContainerCreating" : "PodInitializing"
        let initStatuses = initContainers.map { c -> JSON in
            let name = c.string("name") ?? ""
            var status = containerStatus(name: name, image: c.string("image") ?? "", runtime: sandbox?.container(name), wait: waits[name],
                                         now: now, notStarted: notStarted)
            // An init container that finished well counts as ready; one that runs has not started the pod.
            let done = status[path: ["state", "terminated", "exitCode"]]?.intValue == 0
            status["ready"] = .bool(done)
            status["started"] = .bool(status[path: ["state", "running"]] != nil)
            return status
        }
        let pendingInit = initStatuses.filter { $0[path: ["state", "terminated", "exitCode"]]?.intValue != 0 }.compactMap { $0.string("name") }
        let statuses = containers.map { c -> JSON in
            let name = c.string("name") ?? ""
            var status = containerStatus(name: name, image: c.string("image") ?? "", runtime: sandbox?.container(name), wait: waits[name],
                                         now: now, notStarted: notStarted)
            // A declared readiness or startup probe decides `ready` and `started` of a running container.
            if status[path: ["state", "running"]] != nil, let run = sandbox?.container(name) {
                let result = probes[name].flatMap { $0.attempt == run.attempt ? $0 : nil }
                let started = c["startupProbe"] == nil || result?.started == true
                let ready = started && (c["readinessProbe"] == nil || result?.ready == true)
                status["started"] = .bool(started)
                status["ready"] = .bool(ready)
            }
            return status
        }
        let allReady = !statuses.isEmpty && statuses.allSatisfy { $0["ready"]?.boolValue == true }
        let reason: String? = allReady ? nil : "ContainersNotReady"
        let message: String? = allReady ? nil : "containers with unready status: [\(statuses.filter { $0["ready"]?.boolValue != true }.compactMap { $0.string("name") }.joined(separator: " "))]"

        Conditions.set(&holder, type: "PodReadyToStartContainers", status: sandbox == nil ? "False" : "True", reason: nil, message: nil, now: now)
        if pendingInit.isEmpty {
            Conditions.set(&holder, type: "Initialized", status: "True", reason: nil, message: nil, now: now)
        } else {
            Conditions.set(&holder, type: "Initialized", status: "False", reason: "ContainersNotInitialized",
                           message: "containers with incomplete status: [\(pendingInit.joined(separator: " "))]", now: now)
        }
        Conditions.set(&holder, type: "Ready", status: allReady ? "True" : "False", reason: reason, message: message, now: now)
        Conditions.set(&holder, type: "ContainersReady", status: allReady ? "True" : "False", reason: reason, message: message, now: now)
        Conditions.set(&holder, type: "PodScheduled", status: "True", reason: nil, message: nil, now: now)
        let order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
        let conditions = (holder[path: ["status", "conditions"]]?.arrayValue ?? []).sorted {
            (order.firstIndex(of: $0.string("type") ?? "") ?? order.count) < (order.firstIndex(of: $1.string("type") ?? "") ?? order.count)
        }

        var status = holder["status"] ?? [:]
        status["phase"] = .string(phase(statuses, initStatuses: initStatuses, restartPolicy: pod.string("spec", "restartPolicy") ?? "Always"))
        status["conditions"] = .array(conditions)
        status["hostIP"] = .string(hostIP)
        status["hostIPs"] = [["ip": .string(hostIP)]]
        if let ip = sandbox?.ip {
            status["podIP"] = .string(ip)
            status["podIPs"] = [["ip": .string(ip)]]
        }
        if status["startTime"] == nil { status["startTime"] = .string(now) }
        if !initStatuses.isEmpty { status["initContainerStatuses"] = .array(initStatuses) }
        status["containerStatuses"] = .array(statuses)
        return status
    }

    /// Upstream `getPhase` for started pods: Failed when an init container failed under
    /// `restartPolicy: Never`, Pending while init containers have not all succeeded or a
    /// container has not started, Running while one runs or exited ones will be restarted, else
    /// Succeeded (all exited 0) or Failed.
    static func phase(_ statuses: [JSON], initStatuses: [JSON] = [], restartPolicy: String) -> String {
        let initFailed = initStatuses.contains { s in
            (s[path: ["state", "terminated", "exitCode"]]?.intValue ?? 0) != 0
                || (s[path: ["state", "waiting"]] != nil && (s[path: ["lastState", "terminated", "exitCode"]]?.intValue ?? 0) != 0)
        }
        if initFailed && restartPolicy == "Never" { return "Failed" }
        if initStatuses.contains(where: { $0[path: ["state", "terminated", "exitCode"]]?.intValue != 0 }) { return "Pending" }
        let waiting = statuses.filter { $0[path: ["state", "waiting"]] != nil }.count
        let running = statuses.filter { $0[path: ["state", "running"]] != nil }.count
        let exitCodes = statuses.compactMap { $0[path: ["state", "terminated", "exitCode"]]?.intValue }
        if statuses.isEmpty || waiting > 0 { return "Pending" }
        if running > 0 { return "Running" }
        let succeeded = exitCodes.allSatisfy { $0 == 0 }
        switch restartPolicy {
        case "Never": return succeeded ? "Succeeded" : "Failed"
        case "OnFailure": return succeeded ? "Succeeded" : "Running"
        default: return "Running"
        }
    }

    /// One `containerStatuses` entry. A container waiting on a back-off (`wait`) shows that
    /// reason, with its last run, if any, as `lastState`.
    static func containerStatus(name: String, image: String, runtime: RuntimeContainerStatus?, wait: ContainerBackOff.Wait? = nil, now: String,
                                notStarted: String = "ContainerCreating") -> JSON {
        func waiting(_ w: ContainerBackOff.Wait?) -> JSON {
            guard let w else { return ["waiting": ["reason": .string(notStarted)]] }
            return ["waiting": ["reason": .string(w.reason), "message": .string(w.message)]]
        }
        guard let runtime else {
            return ["name": .string(name), "state": waiting(wait), "lastState": [:],
                    "ready": false, "restartCount": 0, "image": .string(image), "imageID": "", "started": false]
        }
        var state: JSON
        var lastState = runtime.previous.map { terminated($0, id: nil) } ?? [:]
        var ready = false, started = false
        switch runtime.state {
        case .created:
            state = waiting(nil)
        case .running(let at):
            state = ["running": ["startedAt": .string(RFC3339.format(seconds: at))]]
            ready = true
            started = true
        case .exited:
            state = terminated(runtime.state, id: runtime.id)
        }
        if let wait, case .exited = runtime.state {
            lastState = state
            state = waiting(wait)
        }
        return ["name": .string(name), "state": state, "lastState": lastState, "ready": .bool(ready),
                "restartCount": .int(Int64(runtime.attempt)), "image": .string(image), "imageID": .string(runtime.imageID),
                "containerID": .string(runtime.id), "started": .bool(started)]
    }

    static func terminated(_ state: RuntimeContainerStatus.State, id: String?) -> JSON {
        guard case .exited(let code, let reason, let startedAt, let finishedAt) = state else { return [:] }
        var t: JSON = ["exitCode": .int(Int64(code)), "reason": .string(reason),
                       "startedAt": .string(RFC3339.format(seconds: startedAt)), "finishedAt": .string(RFC3339.format(seconds: finishedAt))]
        if let id { t["containerID"] = .string(id) }
        return ["terminated": t]
    }
}
