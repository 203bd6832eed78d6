import Foundation
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Runs CronJobs: at each time the schedule fires (in `spec.timeZone`, else the server's zone)
/// it creates the Job `<name>-<minutes since 1970>` from `jobTemplate`, following
/// `concurrencyPolicy` (Allow, Forbid: skip while one runs, Replace: delete the running ones),
/// `suspend` and `startingDeadlineSeconds`; keeps `status.active`, `lastScheduleTime` and
/// `lastSuccessfulTime`; and deletes finished Jobs beyond the history limits (upstream's
/// CronJob controller v2, level-triggered: each look works out the latest missed time).
public struct CronJobController: Reconciler {
    public static let scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"
    public var name: String { "cronjob-controller" }
    let context: WorkloadContext
    let cronJobs: ResourceType
    let jobs: ResourceType
    let cronJobCache: WatchCache
    let jobCache: WatchCache

    public init(context: WorkloadContext) throws {
        guard let cronJobs = context.type("batch", "v1", "cronjobs"), let jobs = context.type("batch", "v1", "jobs") else {
            throw APIError.internalError("cronjobs or jobs are not served")
        }
        self.context = context
        self.cronJobs = cronJobs
        self.jobs = jobs
        cronJobCache = try context.registry.cache(cronJobs)
        jobCache = try context.registry.cache(jobs)
    }

    public func start() async throws -> [String] {
        await cronJobCache.waitUntilReady()
        await jobCache.waitUntilReady()
        return cronJobCache.objects().compactMap(\.namespacedKey)
    }

    public func keys(for change: ObjectChange) -> [String] {
        let r = change.resource
        guard r.group == "batch", let o = change.object else { return [] }
        if r.plural == "cronjobs" { return o.namespacedKey.map { [$0] } ?? [] }
        if r.plural == "jobs", let owner = ControllerRef.key(of: o.object, kind: "CronJob", group: "batch") { return [owner] }
        return []
    }

    static func finished(_ job: JSON) -> String? {
        (job[path: ["status", "conditions"]]?.arrayValue ?? []).first {
            ($0.string("type") == "Complete" || $0.string("type") == "Failed") && $0.string("status") == "True"
        }?.string("type")
    }

    public func reconcile(_ key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let cached = cronJobCache.get(cronJobs.key(namespace: parts[0], name: parts[1])) else { return nil }
        let (namespace, name) = (parts[0], parts[1])
        let cronJob = cached.object
        guard cronJob[path: ["metadata", "deletionTimestamp"]] == nil else { return nil }
        let uid = cronJob.string("metadata", "uid")
        let owned = jobCache.objects(namespace: namespace).map(\.object).filter { ControllerRef.of($0)?.string("uid") == uid }
        let wasActive = Set((cronJob[path: ["status", "active"]]?.arrayValue ?? []).compactMap { $0.string("uid") })
        var active = owned.filter { Self.finished($0) == nil && $0[path: ["metadata", "deletionTimestamp"]] == nil }
        for job in owned where wasActive.contains(job.string("metadata", "uid") ?? "") {
            if let condition = Self.finished(job) {
                await context.event(cronJob, kind: "CronJob", apiVersion: "batch/v1", reason: "SawCompletedJob",
                                    "Saw completed job: \(job.string("metadata", "name") ?? ""), condition: \(condition)")
            }
        }
        await trimHistory(cronJob, owned)

        let now = Date()
        var lastSchedule = cronJob.string("status", "lastScheduleTime")
        var again: Duration?
        if cronJob[path: ["spec", "suspend"]]?.boolValue != true {
            let zone = cronJob.string("spec", "timeZone").flatMap { TimeZone(identifier: $0) } ?? .current
            let schedule: CronSchedule
            do {
                schedule = try CronSchedule(cronJob.string("spec", "schedule") ?? "")
            } catch {
                await context.event(cronJob, kind: "CronJob", apiVersion: "batch/v1", reason: "UnparseableSchedule",
                                    "unparseable schedule: \(String(reflecting: cronJob.string("spec", "schedule") ?? "")) : \(error)", type: "Warning")
                return nil
            }
            var earliest = (lastSchedule ?? cronJob.string("metadata", "creationTimestamp")).flatMap { RFC3339.parse($0) }
                .map { Date(timeIntervalSince1970: TimeInterval($0.seconds)) } ?? now
            if let deadline = cronJob[path: ["spec", "startingDeadlineSeconds"]]?.intValue {
                earliest = max(earliest, now.addingTimeInterval(-TimeInterval(deadline)))
            }
            // The latest time the schedule fired that has not been acted on.
            var due: Date?
            var t = earliest
            var missed = 0
            while let n = schedule.next(after: t, in: zone), n <= now { due = n; t = n; missed += 1 }
            if missed > 100 {
                await context.event(cronJob, kind: "CronJob", apiVersion: "batch/v1", reason: "TooManyMissedTimes",
                                    "too many missed start times: \(missed). Set or decrease .spec.startingDeadlineSeconds or check clock skew",
                                    type: "Warning")
            }
            let dueStamp = due.map { RFC3339.format(seconds: Int64($0.timeIntervalSince1970)) }
            if let due, let dueStamp {
                let policy = cronJob.string("spec", "concurrencyPolicy") ?? "Allow"
                if policy == "Forbid" && !active.isEmpty {
                    // Skipped; looked at again when the running Job finishes or at the next time.
                } else {
                    if policy == "Replace" {
                        // Not the Job already made for this time (a status write not yet in the cache
                        // shows the time as due again).
                        for job in active where job.string("metadata", "annotations", Self.scheduledTimestampAnnotation) != dueStamp {
                            guard let jobName = job.string("metadata", "name") else { continue }
                            _ = try? await context.registry.delete(jobs, namespace: namespace, name: jobName,
                                                                   options: DeleteOptions(propagationPolicy: "Background"), write: context.options)
                            await context.event(cronJob, kind: "CronJob", apiVersion: "batch/v1", reason: "SuccessfulDelete", "Deleted job \(jobName)")
                        }
                        active = active.filter { $0.string("metadata", "annotations", Self.scheduledTimestampAnnotation) == dueStamp }
                    }
                    // The time counts as scheduled only once its Job exists; otherwise it is tried again.
                    if let job = await createJob(cronJob, scheduled: due) {
                        if !active.contains(where: { $0.string("metadata", "uid") == job.string("metadata", "uid") }) { active.append(job) }
                        lastSchedule = dueStamp
                    } else {
                        again = .seconds(1)
                    }
                }
            }
            if again == nil, let n = schedule.next(after: now, in: zone) { again = .milliseconds(max(100, Int64(n.timeIntervalSince(now) * 1000) + 100)) }
        }

        let successes = owned.filter { Self.finished($0) == "Complete" }.compactMap { $0.string("status", "completionTime") }
        let refs: [JSON] = active.map {
            ["apiVersion": "batch/v1", "kind": "Job", "name": $0["metadata"]?["name"] ?? nil, "namespace": .string(namespace),
             "uid": $0["metadata"]?["uid"] ?? nil, "resourceVersion": $0["metadata"]?["resourceVersion"] ?? nil]
        }
        do {
            try await context.writeStatus(cronJobs, namespace: namespace, name: name, uid: uid) { current in
                var s = current["status"] ?? [:]
                s["active"] = refs.isEmpty ? .none : .some(.array(refs))
                if let lastSchedule { s["lastScheduleTime"] = .string(lastSchedule) }
                if let latest = successes.max() { s["lastSuccessfulTime"] = .string(latest) }
                return s
            }
        } catch where error.code == 404 || error.code == 409 {
            return .milliseconds(200)
        } catch {
            context.logger.warning("\(self.name): status of \(key): \(error)")
            return .seconds(1)
        }
        return again
    }

    /// Creates the Job for `scheduled`; a Job of that name already there was made for it before.
    func createJob(_ cronJob: JSON, scheduled: Date) async -> JSON? {
        let namespace = cronJob.string("metadata", "namespace") ?? ""
        let jobName = "\(cronJob.string("metadata", "name") ?? "")-\(Int64(scheduled.timeIntervalSince1970) / 60)"
        let template = cronJob[path: ["spec", "jobTemplate"]] ?? [:]
        var metadata: JSON = ["name": .string(jobName), "namespace": .string(namespace),
                              "ownerReferences": [ControllerRef.reference(to: cronJob, apiVersion: "batch/v1", kind: "CronJob")]]
        if let labels = template[path: ["metadata", "labels"]], !labels.isNull { metadata["labels"] = labels }
        var annotations = template[path: ["metadata", "annotations"]]?.objectValue ?? JSONObject()
        annotations[Self.scheduledTimestampAnnotation] = .string(RFC3339.format(seconds: Int64(scheduled.timeIntervalSince1970)))
        metadata["annotations"] = .object(annotations)
        let job: JSON = ["apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": template["spec"] ?? [:]]
        do {
            let created = try await context.registry.create(jobs, namespace: namespace, object: job, options: context.options)
            _ = await jobCache.waitUntilFresh(created.revision)
            await context.event(cronJob, kind: "CronJob", apiVersion: "batch/v1", reason: "SuccessfulCreate", "Created job \(jobName)")
            return created.object
        } catch where error.code == 409 {
            return jobCache.get(jobs.key(namespace: namespace, name: jobName))?.object
        } catch {
            await context.event(cronJob, kind: "CronJob", apiVersion: "batch/v1", reason: "FailedCreate", "Error creating job: \(error.message)", type: "Warning")
            return nil
        }
    }

    /// Deletes the oldest finished Jobs beyond `successfulJobsHistoryLimit` / `failedJobsHistoryLimit`.
    func trimHistory(_ cronJob: JSON, _ owned: [JSON]) async {
        for (condition, field, fallback) in [("Complete", "successfulJobsHistoryLimit", Int64(3)), ("Failed", "failedJobsHistoryLimit", Int64(1))] {
            let limit = Int(cronJob[path: ["spec", field]]?.intValue ?? fallback)
            let finished = owned.filter { Self.finished($0) == condition && $0[path: ["metadata", "deletionTimestamp"]] == nil }
                .sorted { ($0.string("metadata", "creationTimestamp") ?? "", $0.string("metadata", "name") ?? "")
                    < ($1.string("metadata", "creationTimestamp") ?? "", $1.string("metadata", "name") ?? "") }
            guard finished.count > limit else { continue }
            for job in finished.prefix(finished.count - limit) {
                guard let jobName = job.string("metadata", "name") else { continue }
                _ = try? await context.registry.delete(jobs, namespace: job.string("metadata", "namespace"), name: jobName,
                                                       options: DeleteOptions(propagationPolicy: "Background"), write: context.options)
                await context.event(cronJob, kind: "CronJob", apiVersion: "batch/v1", reason: "SuccessfulDelete", "Deleted job \(jobName)")
            }
        }
    }
}
