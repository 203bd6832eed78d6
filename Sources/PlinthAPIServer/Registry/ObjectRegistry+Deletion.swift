import Foundation
import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage

/// The outcome of a delete: the object as it now is, and whether it left the store (otherwise
/// it is marked as being deleted and waits for finalizers or its grace period).
public struct DeleteResult: Sendable {
    public var object: CachedObject
    public var deleted: Bool
}

extension ObjectRegistry {
    /// Deletes an object following the deletion lifecycle: preconditions, graceful deletion of
    /// pods, finalizers (including the garbage collector's `orphan` and `foregroundDeletion`) and
    /// namespace finalizers. Retries when the object changes underneath unless preconditions pin it.
    public func delete(_ r: ResourceType, namespace: String?, name: String, options: DeleteOptions,
                       write: WriteOptions = WriteOptions()) async throws(APIError) -> DeleteResult {
        if r.group.isEmpty && r.kind == "Namespace" && ["default", "kube-system", "kube-public", "plinth-system"].contains(name) {
            throw APIError.forbidden("namespaces \"\(name)\" is forbidden: this namespace may not be deleted", name: name, group: "", kind: "namespaces")
        }
        let key = r.key(namespace: namespace, name: name)
        var current = try await get(r, namespace: namespace, name: name)
        let dryRun = write.dryRun || options.dryRun
        for _ in 0..<16 {
            try Self.checkPreconditions(options, current, r, name)
            let now = Int64(Date().timeIntervalSince1970.rounded(.down))
            do {
                switch DeletionPlan.make(r, current.object, options, nowSeconds: now) {
                case .deleteNow:
                    if dryRun { return DeleteResult(object: current, deleted: true) }
                    let stored = try await storage.delete(key, expectedRevision: current.revision)
                    var o = current.object
                    o[path: ["metadata", "resourceVersion"]] = .string(String(stored.modRevision))
                    return DeleteResult(object: CachedObject(key: key, object: o, bytes: o.serialized(), revision: stored.modRevision,
                                                             createRevision: stored.createRevision), deleted: true)
                case .markDeleting(var next):
                    next[path: ["metadata", "resourceVersion"]] = nil
                    var old = current.object
                    old[path: ["metadata", "resourceVersion"]] = nil
                    if next == old || dryRun { return DeleteResult(object: current, deleted: false) }
                    let bytes = next.serialized()
                    let stored = try await storage.update(key, value: bytes, expectedRevision: current.revision)
                    return DeleteResult(object: Self.served(next, key: key, bytes: bytes, stored: stored), deleted: false)
                }
            } catch StorageError.conflict(_, let latest) {
                if options.resourceVersion != nil { throw APIError.conflict(r, name) }
                current = try Self.retryBase(latest, key: key)
            } catch StorageError.notFound {
                throw APIError.notFound(r, name)
            } catch {
                throw Self.storageError(error, r, name)
            }
        }
        throw APIError.conflict(r, name)
    }

    static func checkPreconditions(_ options: DeleteOptions, _ current: CachedObject, _ r: ResourceType, _ name: String) throws(APIError) {
        if let uid = options.uid, current.object.string("metadata", "uid") != uid {
            throw APIError.preconditionFailed(r, name, "the UID in the precondition (\(uid)) does not match the UID in record (\(current.object.string("metadata", "uid") ?? "")). The object might have been deleted and then recreated")
        }
        if let rv = options.resourceVersion, String(current.revision) != rv {
            throw APIError.preconditionFailed(r, name, "the ResourceVersion in the precondition (\(rv)) does not match the ResourceVersion in record (\(current.revision)). The object might have been modified")
        }
    }
}

extension ObjectRegistry {
    /// Deletes each of `items` (a deletecollection, a namespace being emptied). Deletes run
    /// concurrently so the store commits them in a few group commits; objects already gone are
    /// skipped. Returns the objects as each delete left them, in key order.
    public func deleteAll(_ r: ResourceType, _ items: [CachedObject], options: DeleteOptions) async throws(APIError) -> [CachedObject] {
        var deleted: [CachedObject] = []
        for start in stride(from: 0, to: items.count, by: 256) {
            let chunk = items[start..<min(start + 256, items.count)]
            let results = await withTaskGroup(of: Result<CachedObject, APIError>.self) { group in
                for item in chunk {
                    group.addTask {
                        do {
                            return .success(try await self.delete(r, namespace: item.namespace, name: item.name, options: options).object)
                        } catch { return .failure(error as? APIError ?? .internalError("\(error)")) }
                    }
                }
                var out: [Result<CachedObject, APIError>] = []
                for await res in group { out.append(res) }
                return out
            }
            for res in results {
                switch res {
                case .success(let o): deleted.append(o)
                case .failure(let e) where e.code == 404: continue
                case .failure(let e): throw e
                }
            }
        }
        deleted.sort { $0.key < $1.key }
        return deleted
    }
}
