import PlinthAPIMachinery
import PlinthAPIServer
import PlinthJSON

/// Which objects a controller owns, which it should adopt and which it should let go (upstream's
/// `ControllerRefManager`): objects it controls that still match its selector are its own; those
/// that no longer match are released; orphans that match are adopted. Objects controlled by
/// someone else, and objects being deleted, are never taken.
public struct OwnershipClaim {
    public var owned: [CachedObject] = []
    public var adopt: [CachedObject] = []
    public var release: [CachedObject] = []

    public init(ownerUID: String, selector: LabelSelector, candidates: [CachedObject]) {
        for o in candidates {
            let object = o.object
            let matches = selector.matches(object: object)
            if let ref = ControllerRef.of(object) {
                guard ref.string("uid") == ownerUID else { continue }
                if matches { owned.append(o) } else if object[path: ["metadata", "deletionTimestamp"]] == nil { release.append(o) }
            } else if matches, object[path: ["metadata", "deletionTimestamp"]] == nil {
                adopt.append(o)
            }
        }
    }
}

extension WorkloadContext {
    /// Carries out `claim`: adopts (adds `reference`) and releases (removes the owner's reference);
    /// returns the objects the owner has afterwards. The owner adopts nothing while it is being deleted.
    func settle(_ claim: OwnershipClaim, _ r: ResourceType, owner: JSON, reference: JSON) async -> [CachedObject] {
        var owned = claim.owned
        let ownerUID = owner.string("metadata", "uid")
        let deleting = owner[path: ["metadata", "deletionTimestamp"]] != nil
        for o in claim.adopt where !deleting {
            let uid = o.object.string("metadata", "uid")
            do {
                let adopted = try await registry.guaranteedUpdate(r, namespace: o.namespace, name: o.name, precondition: nil, options: options) { current throws(APIError) in
                    guard current.string("metadata", "uid") == uid, ControllerRef.of(current) == nil else { throw APIError.conflict(r, o.name) }
                    var next = current
                    next[path: ["metadata", "ownerReferences"]] = .array((current[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []) + [reference])
                    return next
                }
                owned.append(adopted)
            } catch {
                logger.debug("\(component): adopting \(o.key): \(error)")
            }
        }
        for o in claim.release {
            _ = try? await registry.guaranteedUpdate(r, namespace: o.namespace, name: o.name, precondition: nil, options: options) { current throws(APIError) in
                var next = current
                let refs = (current[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).filter { $0.string("uid") != ownerUID }
                next[path: ["metadata", "ownerReferences"]] = refs.isEmpty ? .none : .some(.array(refs))
                return next
            }
        }
        return owned
    }
}
