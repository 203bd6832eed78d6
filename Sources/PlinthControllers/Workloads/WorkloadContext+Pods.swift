import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

extension WorkloadContext {
    /// Creates `count` copies of `pod` in batches of 1, 2, 4, … (upstream's slow start), stopping
    /// at the first refusal so a quota or admission refusal costs one request, not `count`.
    /// Records `SuccessfulCreate` / `FailedCreate` on `owner`. Returns the newest revision written
    /// and the refusal's message.
    func createPods(_ count: Int, _ pod: JSON, _ podType: ResourceType, owner: JSON, kind: String, apiVersion: String) async -> (Int64, String?) {
        var remaining = count, batch = 1, newest: Int64 = 0
        let (registry, options) = (registry, options)
        let namespace = pod.string("metadata", "namespace")
        while remaining > 0 {
            let size = min(batch, remaining)
            let results = await withTaskGroup(of: Result<CachedObject, APIError>.self) { group in
                for _ in 0..<size {
                    group.addTask {
                        do throws(APIError) {
                            return .success(try await registry.create(podType, namespace: namespace, object: pod, options: options))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var all: [Result<CachedObject, APIError>] = []
                for await r in group { all.append(r) }
                return all
            }
            var failure: APIError?
            for r in results {
                switch r {
                case .success(let created):
                    newest = max(newest, created.revision)
                    await event(owner, kind: kind, apiVersion: apiVersion, reason: "SuccessfulCreate", "Created pod: \(created.name)")
                case .failure(let e):
                    failure = failure ?? e
                }
            }
            if let failure {
                await event(owner, kind: kind, apiVersion: apiVersion, reason: "FailedCreate", "Error creating: \(failure.message)", type: "Warning")
                return (newest, failure.message)
            }
            remaining -= size
            batch *= 2
        }
        return (newest, nil)
    }

    /// Deletes `pods` (each only if it is still the same pod), recording `SuccessfulDelete` /
    /// `FailedDelete` on `owner`. Returns the newest revision written and the first failure's message.
    func deletePods(_ pods: [JSON], _ podType: ResourceType, owner: JSON, kind: String, apiVersion: String) async -> (Int64, String?) {
        var newest: Int64 = 0
        var failure: String?
        for victim in pods {
            guard let name = victim.string("metadata", "name") else { continue }
            do {
                let result = try await registry.delete(podType, namespace: victim.string("metadata", "namespace"), name: name,
                                                       options: DeleteOptions(uid: victim.string("metadata", "uid")), write: options)
                newest = max(newest, result.object.revision)
                await event(owner, kind: kind, apiVersion: apiVersion, reason: "SuccessfulDelete", "Deleted pod: \(name)")
            } catch where error.code == 404 || error.code == 409 {
                continue
            } catch {
                failure = failure ?? error.message
                await event(owner, kind: kind, apiVersion: apiVersion, reason: "FailedDelete", "Error deleting: \(error.message)", type: "Warning")
            }
        }
        return (newest, failure)
    }
}
