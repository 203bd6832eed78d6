import Foundation
import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Runs Jobs: starts pods up to `parallelism` until `completions` have succeeded, replaces
/// failed ones after back-off until `backoffLimit`, enforces `activeDeadlineSeconds`, honours
/// `suspend`, sets the upstream conditions (SuccessCriteriaMet then Complete; FailureTarget then
/// Failed) once the Job's pods have stopped, and deletes finished Jobs after
/// `ttlSecondsAfterFinished`. Decisions are `JobProgress`'s.
public struct JobController: Reconciler {
    public var name: String { "job-controller" }
    let context: WorkloadContext
    let jobs: ResourceType
    let podType: ResourceType
    let jobCache: WatchCache
    let podCache: WatchCache

    public init(context: WorkloadContext) throws {
        guard let jobs = context.type("batch", "v1", "jobs"), let pods = context.type("", "v1", "pods") else {
            throw APIError.internalError("jobs or pods are not served")
        }
        self.context = context
        self.jobs = jobs
        podType = pods
        jobCache = try context.registry.cache(jobs)
        podCache = try context.registry.cache(pods)
    }

    public func start() async throws -> [String] {
        await podCache.waitUntilReady()
        await jobCache.waitUntilReady()
        return jobCache.objects().compactMap(\.namespacedKey)
    }

    public func keys(for change: ObjectChange) -> [String] {
        let r = change.resource
        guard let o = change.object else { return [] }
        if r.group == "batch" && r.plural == "jobs" { return o.namespacedKey.map { [$0] } ?? [] }
        if r.group.isEmpty && r.plural == "pods", let owner = ControllerRef.key(of: o.object, kind: "Job", group: "batch") { return [owner] }
        return []
    }

    public func reconcile(_ key: String) async -> Duration? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let cached = jobCache.get(jobs.key(namespace: parts[0], name: parts[1])) else { return nil }
        let (namespace, name) = (parts[0], parts[1])
        let job = cached.object
        guard job[path: ["metadata", "deletionTimestamp"]] == nil else { return nil }
        let reference = ControllerRef.reference(to: job, apiVersion: "batch/v1", kind: "Job")
        let selector = (try? LabelSelector(json: job[path: ["spec", "selector"]] ?? .null)) ?? .nothing
        let claim = OwnershipClaim(ownerUID: job.string("metadata", "uid") ?? "", selector: selector, candidates: podCache.objects(namespace: namespace))
        let pods = await context.settle(claim, podType, owner: job, reference: reference).map(\.object)
        let now = Timestamp.now()
        let progress = JobProgress(job, pods: pods, now: RFC3339.parse(now)?.seconds ?? Int64(Date().timeIntervalSince1970), nowString: now)

        if progress.expired {
            _ = try? await context.registry.delete(jobs, namespace: namespace, name: name,
                                                   options: DeleteOptions(propagationPolicy: "Background", uid: job.string("metadata", "uid")),
                                                   write: context.options)
            return nil
        }
        var newest: Int64 = 0
        var failure: String?
        if progress.create > 0 {
            let template = job[path: ["spec", "template"]] ?? [:]
            let pod = PodTemplate.pod(from: template, namespace: namespace, generateName: name + "-", owner: reference)
            (newest, failure) = await context.createPods(progress.create, pod, podType, owner: job, kind: "Job", apiVersion: "batch/v1")
        }
        if !progress.delete.isEmpty {
            let (deleted, _) = await context.deletePods(progress.delete, podType, owner: job, kind: "Job", apiVersion: "batch/v1")
            newest = max(newest, deleted)
        }
        if newest > 0 { _ = await podCache.waitUntilFresh(newest) }

        let wasFinished = JobProgress.finishedCondition(job) != nil
        do {
            let written = try await context.writeStatus(jobs, namespace: namespace, name: name, uid: job.string("metadata", "uid")) { _ in progress.status }
            if !wasFinished, let done = JobProgress.finishedCondition(written.object) {
                if done.string("type") == "Complete" {
                    await context.event(job, kind: "Job", apiVersion: "batch/v1", reason: "Completed", "Job completed")
                } else {
                    await context.event(job, kind: "Job", apiVersion: "batch/v1", reason: done.string("reason") ?? "Failed",
                                        done.string("message") ?? "", type: "Warning")
                }
            }
        } catch where error.code == 404 || error.code == 409 {
            return nil
        } catch {
            context.logger.warning("\(self.name): status of \(key): \(error)")
            return .seconds(1)
        }
        if failure != nil { return .seconds(5) }
        return progress.recheckAfter.map { .seconds($0) }
    }
}
