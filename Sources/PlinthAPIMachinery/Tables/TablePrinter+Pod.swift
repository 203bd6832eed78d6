import Foundation
import PlinthJSON

extension TablePrinter {
    /// `printPod`: Name, Ready, Status, Restarts, Age; wide IP, Node, Nominated Node, Readiness Gates.
    static let pod = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Ready", description: "The aggregate readiness state of this pod for accepting traffic."),
            TableColumn(name: "Status", description: "The aggregate status of the containers in this pod."),
            TableColumn(name: "Restarts", description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            TableDocs.ageColumn,
            TableColumn(name: "IP", description: "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", priority: 1),
            TableColumn(name: "Node", description: "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.", priority: 1),
            TableColumn(name: "Nominated Node", description: "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.", priority: 1),
            TableColumn(name: "Readiness Gates", description: "If specified, all readiness gates will be evaluated for pod readiness.", priority: 1),
        ],
        cells: podCells)

    @Sendable static func podCells(_ pod: JSON, _ now: Date) -> [JSON] {
        typealias C = TableCells
        let spec = pod["spec"]
        let status = pod["status"]
        let initSpecs = C.list(spec?["initContainers"])
        var total = C.list(spec?["containers"]).count
        var ready = 0
        var restarts: Int64 = 0
        var sidecarRestarts: Int64 = 0
        // Times as epoch seconds; nil is Go's zero time, earlier than any other.
        var lastRestart: Double? = nil
        var lastSidecarRestart: Double? = nil
        func later(_ candidate: JSON?, than current: Double?) -> Double? {
            let t = TableTime.seconds(candidate)
            guard let t else { return current }
            guard let c = current else { return t }
            return c < t ? t : c
        }

        let phase = C.str(status?["phase"])
        var reason = phase
        let statusReason = C.str(status?["reason"])
        if !statusReason.isEmpty { reason = statusReason }
        let conditions = C.list(status?["conditions"])
        for c in conditions where C.str(c["type"]) == "PodScheduled" && C.str(c["reason"]) == "SchedulingGated" {
            reason = "SchedulingGated"
        }

        // Sidecars (init containers with restartPolicy Always) count as containers.
        var restartable: [String: Bool] = [:]
        for c in initSpecs {
            let isSidecar = C.str(c["restartPolicy"]) == "Always"
            restartable[C.str(c["name"])] = isSidecar
            if isSidecar { total += 1 }
        }

        var initializing = false
        for (i, cs) in C.list(status?["initContainerStatuses"]).enumerated() {
            let rc = C.int(cs["restartCount"])
            restarts += rc
            let lastTerminated = cs["lastState"]?["terminated"]
            if lastTerminated?.objectValue != nil {
                lastRestart = later(lastTerminated?["finishedAt"], than: lastRestart)
            }
            let isSidecar = restartable[C.str(cs["name"])] ?? false
            if isSidecar {
                sidecarRestarts += rc
                if lastTerminated?.objectValue != nil {
                    lastSidecarRestart = later(lastTerminated?["finishedAt"], than: lastSidecarRestart)
                }
            }
            let terminated = cs["state"]?["terminated"].flatMap { $0.objectValue != nil ? $0 : nil }
            let waiting = cs["state"]?["waiting"].flatMap { $0.objectValue != nil ? $0 : nil }
            if let terminated, C.int(terminated["exitCode"]) == 0 { continue }
            if isSidecar && cs["started"]?.boolValue == true {
                if cs["ready"]?.boolValue == true { ready += 1 }
                continue
            }
            if let terminated {
                let r = C.str(terminated["reason"])
                if r.isEmpty {
                    let signal = C.int(terminated["signal"])
                    reason = signal != 0 ? "Init:Signal:\(signal)" : "Init:ExitCode:\(C.int(terminated["exitCode"]))"
                } else {
                    reason = "Init:" + r
                }
            } else if let waiting, case let r = C.str(waiting["reason"]), !r.isEmpty, r != "PodInitializing" {
                reason = "Init:" + r
            } else {
                reason = "Init:\(i)/\(initSpecs.count)"
            }
            initializing = true
            break
        }

        let initialized = conditions.first { C.str($0["type"]) == "Initialized" }.map { C.str($0["status"]) == "True" } ?? false
        if !initializing || initialized {
            restarts = sidecarRestarts
            lastRestart = lastSidecarRestart
            var hasRunning = false
            var errorReason = ""
            for cs in C.list(status?["containerStatuses"]).reversed() {
                restarts += C.int(cs["restartCount"])
                let lastTerminated = cs["lastState"]?["terminated"]
                if lastTerminated?.objectValue != nil {
                    lastRestart = later(lastTerminated?["finishedAt"], than: lastRestart)
                }
                let state = cs["state"]
                let waitingReason = C.str(state?["waiting"]?["reason"])
                if state?["waiting"]?.objectValue != nil && !waitingReason.isEmpty {
                    reason = waitingReason
                } else if let terminated = state?["terminated"], terminated.objectValue != nil {
                    let r = C.str(terminated["reason"])
                    let exitCode = C.int(terminated["exitCode"])
                    if !r.isEmpty {
                        reason = r
                    } else if case let signal = C.int(terminated["signal"]), signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(exitCode)"
                    }
                    if exitCode != 0 { errorReason = reason }
                } else if cs["ready"]?.boolValue == true && state?["running"]?.objectValue != nil {
                    hasRunning = true
                    ready += 1
                }
            }
            // Back to "Running" while at least one container still runs.
            if reason == "Completed" {
                let podReady = conditions.contains { C.str($0["type"]) == "Ready" && C.str($0["status"]) == "True" }
                if hasRunning && podReady {
                    reason = "Running"
                } else if !errorReason.isEmpty {
                    reason = errorReason
                } else if hasRunning {
                    reason = "NotReady"
                }
            }
        }

        if C.isDeleting(pod) {
            if statusReason == "NodeLost" {
                reason = "Unknown"
            } else if phase != "Failed" && phase != "Succeeded" {
                reason = "Terminating"
            }
        }

        var restartsText = String(restarts)
        if restarts != 0, let last = lastRestart {
            restartsText = "\(restarts) (\(TableTime.since(last, now: now)) ago)"
        }

        var podIP = C.str(C.list(status?["podIPs"]).first?["ip"])
        if podIP.isEmpty { podIP = C.str(status?["podIP"]) }
        if podIP.isEmpty { podIP = "<none>" }
        var nodeName = C.str(spec?["nodeName"])
        if nodeName.isEmpty { nodeName = "<none>" }
        var nominated = C.str(status?["nominatedNodeName"])
        if nominated.isEmpty { nominated = "<none>" }
        var gates = "<none>"
        let readinessGates = C.list(spec?["readinessGates"])
        if !readinessGates.isEmpty {
            var trueConditions = 0
            for gate in readinessGates {
                let type = C.str(gate["conditionType"])
                if let c = conditions.first(where: { C.str($0["type"]) == type }), C.str(c["status"]) == "True" {
                    trueConditions += 1
                }
            }
            gates = "\(trueConditions)/\(readinessGates.count)"
        }

        return [
            C.name(pod), .string("\(ready)/\(total)"), .string(reason), .string(restartsText), C.age(pod, now),
            .string(podIP), .string(nodeName), .string(nominated), .string(gates),
        ]
    }
}
