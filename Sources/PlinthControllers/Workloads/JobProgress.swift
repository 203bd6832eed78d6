import PlinthAPIMachinery
import PlinthJSON

/// One step of running a Job to completion, decided from the pods it owns (upstream's job
/// controller for non-indexed Jobs): how many pods to start, which to stop, whether the Job has
/// succeeded or failed, and the status to report.
public struct JobProgress: Sendable {
    public enum Outcome: Sendable, Equatable {
        case running
        /// Finished; pods still running are stopped before the final condition is set.
        case succeeded
        case failed(reason: String, message: String)
    }

    public var outcome: Outcome = .running
    public var create = 0
    public var delete: [JSON] = []
    public var status: JSON
    /// Seconds until something is due without any change: a replacement after back-off, the
    /// active deadline, the TTL after finishing.
    public var recheckAfter: Int64?
    /// The Job has been finished for `ttlSecondsAfterFinished` and should go.
    public var expired = false

    public init(_ job: JSON, pods: [JSON], now: Int64, nowString: String) {
        let spec = job["spec"] ?? [:]
        let previous = job["status"] ?? [:]
        let active = pods.filter(ActivePods.isActive)
        let succeeded = max(pods.filter { $0.string("status", "phase") == "Succeeded" }.count, Int(previous["succeeded"]?.intValue ?? 0))
        let failed = max(pods.filter { $0.string("status", "phase") == "Failed" }.count, Int(previous["failed"]?.intValue ?? 0))
        let completions = spec["completions"]?.intValue.map(Int.init)
        let parallelism = Int(spec["parallelism"]?.intValue ?? 1)
        let backoffLimit = Int(spec["backoffLimit"]?.intValue ?? 6)
        let suspended = spec["suspend"]?.boolValue == true
        let finished = Self.finishedCondition(job)
        var object: JSON = ["status": previous]
        let startTime = previous["startTime"]?.stringValue ?? (suspended ? nil : nowString)

        if let finished {
            // Done already: only what is left running goes, and the TTL counts down.
            delete = active
            if let ttl = spec["ttlSecondsAfterFinished"]?.intValue,
               let at = finished.string("lastTransitionTime").flatMap({ RFC3339.parse($0)?.seconds }) {
                if at + ttl <= now { expired = true } else { recheckAfter = at + ttl - now }
            }
        } else if failed > backoffLimit {
            outcome = .failed(reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit")
        } else if let deadline = spec["activeDeadlineSeconds"]?.intValue, let started = startTime.flatMap({ RFC3339.parse($0)?.seconds }),
                  !suspended, started + deadline <= now {
            outcome = .failed(reason: "DeadlineExceeded", message: "Job was active longer than specified deadline")
        } else if let completions, succeeded >= completions {
            outcome = .succeeded
        } else if completions == nil, succeeded > 0, active.isEmpty {
            outcome = .succeeded
        }

        if finished == nil {
            switch outcome {
            case .running:
                var wanted = suspended ? 0 : parallelism
                if let completions { wanted = min(wanted, completions - succeeded) } else if succeeded > 0 { wanted = min(wanted, active.count) }
                if active.count > wanted {
                    delete = Array(ActivePods.deletionOrder(active).prefix(active.count - wanted))
                } else if active.count < wanted {
                    // A failed pod is replaced after upstream's back-off: 10 s doubling, at most 6 min.
                    let wait = Self.backOffRemaining(pods, failed: failed, now: now)
                    if wait > 0 { recheckAfter = wait } else { create = wanted - active.count }
                }
                if let deadline = spec["activeDeadlineSeconds"]?.intValue, let started = startTime.flatMap({ RFC3339.parse($0)?.seconds }), !suspended {
                    recheckAfter = min(recheckAfter ?? Int64.max, max(1, started + deadline - now))
                }
                if suspended {
                    Conditions.set(&object, type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended", now: nowString)
                } else if Conditions.status(object, "Suspended") == "True" {
                    Conditions.set(&object, type: "Suspended", status: "False", reason: "JobResumed", message: "Job resumed", now: nowString)
                }
            case .succeeded:
                delete = active
                Conditions.set(&object, type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached",
                               message: "Reached expected number of succeeded pods", now: nowString)
                if active.isEmpty {
                    Conditions.set(&object, type: "Complete", status: "True", reason: "CompletionsReached",
                                   message: "Reached expected number of succeeded pods", now: nowString)
                    object[path: ["status", "completionTime"]] = .string(nowString)
                }
            case .failed(let reason, let message):
                delete = active
                Conditions.set(&object, type: "FailureTarget", status: "True", reason: reason, message: message, now: nowString)
                if active.isEmpty {
                    Conditions.set(&object, type: "Failed", status: "True", reason: reason, message: message, now: nowString)
                }
            }
        }

        var s = object["status"] ?? [:]
        if let startTime { s["startTime"] = .string(startTime) }
        let stopping = delete.count
        s["active"] = active.count - stopping > 0 ? .some(.int(Int64(active.count - stopping))) : .none
        s["ready"] = .int(Int64(active.filter(ActivePods.isReady).count))
        s["succeeded"] = succeeded > 0 ? .some(.int(Int64(succeeded))) : .none
        s["failed"] = failed > 0 ? .some(.int(Int64(failed))) : .none
        s["terminating"] = .int(Int64(pods.filter { $0[path: ["metadata", "deletionTimestamp"]] != nil && !PodPhase.isTerminal($0) }.count))
        s["uncountedTerminatedPods"] = [:]
        status = s
    }

    /// The `Complete` or `Failed` condition, once the Job has one that is True.
    static func finishedCondition(_ job: JSON) -> JSON? {
        (job[path: ["status", "conditions"]]?.arrayValue ?? []).first {
            ($0.string("type") == "Complete" || $0.string("type") == "Failed") && $0.string("status") == "True"
        }
    }

    /// Seconds left before a failed pod may be replaced.
    static func backOffRemaining(_ pods: [JSON], failed: Int, now: Int64) -> Int64 {
        guard failed > 0 else { return 0 }
        let last = pods.filter { $0.string("status", "phase") == "Failed" }.compactMap { pod -> Int64? in
            let finishes = (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? [])
                .compactMap { $0.string("state", "terminated", "finishedAt").flatMap { RFC3339.parse($0)?.seconds } }
            return finishes.max()
        }.max()
        guard let last else { return 0 }
        let delay = min(Int64(10) << Int64(min(failed - 1, 10)), 360)
        return max(0, last + delay - now)
    }
}
