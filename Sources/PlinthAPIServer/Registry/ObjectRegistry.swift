import Foundation
import Logging
import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage
import Synchronization

/// Options shared by writes.
public struct WriteOptions: Sendable {
    public var dryRun = false
    /// The manager name writes are recorded under.
    public var fieldManager: String?
    /// When set, writes record field ownership in `metadata.managedFields` (requests from
    /// clients; server-side apply records its own).
    public var tracker: FieldManager?
    /// Admission plugins to run (requests from clients, and controllers acting for them).
    public var admission: AdmissionChain?
    /// Who asked, for admission.
    public var user: UserInfo?
    public init(dryRun: Bool = false, fieldManager: String? = nil, tracker: FieldManager? = nil,
                admission: AdmissionChain? = nil, user: UserInfo? = nil) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.tracker = tracker
        self.admission = admission
        self.user = user
    }

    func attributes(_ op: AdmissionAttributes.Operation, _ r: ResourceType, namespace: String?, name: String,
                    subresource: String? = nil) -> AdmissionAttributes {
        AdmissionAttributes(operation: op, resource: r, subresource: subresource, namespace: namespace, name: name, user: user, dryRun: dryRun)
    }

    func track(live: JSON?, new: JSON) -> JSON {
        guard let tracker else { return new }
        return tracker.update(live: live, new: new, manager: fieldManager ?? "unknown")
    }
}

/// A page of a list.
public struct ListPage: Sendable {
    public var items: [CachedObject]
    public var revision: Int64
    /// Continue token for the next page, when there is one.
    public var continueToken: String?
    public var remainingItemCount: Int64?
}

/// The object layer between HTTP handlers and the store: creates, reads, updates, patches and
/// deletes objects of any resource, applying metadata rules, defaults and validation, and reads
/// from the per-resource watch caches.
public final class ObjectRegistry: Sendable {
    public let storage: any Storage
    private let served: Mutex<ResourceCatalog>
    private let caches: Mutex<[String: WatchCache]>
    /// Every change any watch cache applies, for controllers that follow all kinds (GC, namespaces).
    public let changes: ChangeFeed
    let logger: Logger

    public init(storage: any Storage, catalog: ResourceCatalog, logger: Logger) {
        self.storage = storage
        self.served = Mutex(catalog)
        self.logger = logger
        let feed = ChangeFeed()
        self.changes = feed
        var caches: [String: WatchCache] = [:]
        // Resources that share storage (versions of a custom resource) share a cache; core and
        // events.k8s.io events are kept apart by their key prefixes.
        for r in catalog.storedResources {
            caches[r.keyPrefix] = WatchCache(resource: r, storage: storage, feed: feed, logger: logger)
        }
        self.caches = Mutex(caches)
    }

    /// The resources served now.
    public var catalog: ResourceCatalog { served.withLock { $0 } }

    /// Serves `catalog` from now on. Returns the caches it needed that did not exist yet; the
    /// caller runs them. Caches of resources that went away are kept (idle) so a definition
    /// created again reuses them.
    func replaceCatalog(_ catalog: ResourceCatalog) -> [WatchCache] {
        let fresh = caches.withLock { caches -> [WatchCache] in
            var fresh: [WatchCache] = []
            for r in catalog.storedResources where caches[r.keyPrefix] == nil {
                let c = WatchCache(resource: r, storage: storage, feed: changes, logger: logger)
                caches[r.keyPrefix] = c
                fresh.append(c)
            }
            return fresh
        }
        served.withLock { $0 = catalog }
        return fresh
    }

    public var allCaches: [WatchCache] { caches.withLock { Array($0.values) } }

    public func cache(_ r: ResourceType) throws(APIError) -> WatchCache {
        guard let c = caches.withLock({ $0[r.keyPrefix] }) else { throw APIError.notFound(r, "") }
        return c
    }

    // MARK: Reads

    public func get(_ r: ResourceType, namespace: String?, name: String, resourceVersion: String? = nil) async throws(APIError) -> CachedObject {
        let cache = try cache(r)
        if resourceVersion == nil || resourceVersion == "" {
            try await cache.waitUntilConsistent()
        } else {
            await cache.waitUntilReady()
        }
        guard let o = cache.get(r.key(namespace: namespace, name: name)) else { throw APIError.notFound(r, name) }
        return o
    }

    /// Lists objects. `resourceVersion` "0" reads whatever the cache has; unset reads consistently;
    /// a continue token reads the rest of a snapshot from the store.
    public func list(_ r: ResourceType, namespace: String?, resourceVersion: String?, limit: Int, continueToken: String?,
                     filter: WatchFilter) async throws(APIError) -> ListPage {
        let cache = try cache(r)
        let prefix = r.keyPrefix(namespace: namespace)
        if let continueToken, !continueToken.isEmpty {
            let token = try ContinueToken.decode(continueToken)
            return try await listFromStore(r, prefix: prefix, startKey: prefix + token.start, revision: token.revision, limit: limit, filter: filter)
        }
        if let rv = resourceVersion, rv != "", rv != "0" {
            guard let n = Int64(rv) else {
                throw APIError.badRequest("invalid resource version: \(rv)")
            }
            await cache.waitUntilReady()
            if n > cache.revision {
                // Upstream waits briefly for the cache to reach a future revision, then 504s.
                let fresh = await cache.waitUntilFresh(n, timeout: .seconds(3))
                if !fresh { throw APIError.timeout("Too large resource version: \(n), current: \(cache.revision)") }
            }
        } else if resourceVersion == "0" {
            await cache.waitUntilReady()
        } else {
            try await cache.waitUntilConsistent()
        }
        let page = cache.list(prefix: prefix, startKey: nil, limit: limit, filter: filter)
        var token: String?
        if page.more, let last = page.items.last {
            token = ContinueToken(revision: page.revision, start: String(last.key.dropFirst(prefix.count)) + "\u{0}").encode()
        }
        return ListPage(items: page.items, revision: page.revision, continueToken: token)
    }

    private func listFromStore(_ r: ResourceType, prefix: String, startKey: String, revision: Int64, limit: Int,
                               filter: WatchFilter) async throws(APIError) -> ListPage {
        var items: [CachedObject] = []
        var cursor = startKey
        var hasMore = false
        // Read store pages until the filtered page is full or the snapshot is exhausted.
        reading: while true {
            let result: ListResult
            do {
                result = try await storage.list(prefix: prefix, startKey: cursor, revision: revision, limit: limit == 0 ? 0 : max(limit - items.count + 1, 100))
            } catch StorageError.compacted {
                throw APIError(code: 410, reason: "Expired", message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
            } catch {
                throw Self.storageError(error, r, "")
            }
            for item in result.items {
                guard let o = try? CachedObject(key: item.key, stored: item.value, revision: item.modRevision, createRevision: item.createRevision) else { continue }
                if filter.matches(o) {
                    if limit > 0 && items.count == limit { hasMore = true; break reading }
                    items.append(o)
                }
                cursor = item.key + "\u{0}"
            }
            if !result.more || result.items.isEmpty { break }
        }
        var token: String?
        if hasMore, let last = items.last {
            token = ContinueToken(revision: revision, start: String(last.key.dropFirst(prefix.count)) + "\u{0}").encode()
        }
        return ListPage(items: items, revision: revision, continueToken: token)
    }

    // MARK: Writes

    /// Creates an object. `object` has been decoded from the request; kind and apiVersion checked.
    public func create(_ r: ResourceType, namespace: String?, object input: JSON, options: WriteOptions) async throws(APIError) -> CachedObject {
        var object = input
        var meta = object["metadata"]?.objectValue ?? JSONObject()
        if r.namespaced {
            if let ns = meta["namespace"]?.stringValue, !ns.isEmpty, ns != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            meta["namespace"] = namespace.map { .string($0) }
        } else {
            meta["namespace"] = nil
        }
        var name = meta["name"]?.stringValue ?? ""
        if name.isEmpty, let gen = meta["generateName"]?.stringValue, !gen.isEmpty {
            name = NameGenerator.generate(base: gen)
            meta["name"] = .string(name)
        }
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(Timestamp.now())
        meta["resourceVersion"] = nil
        meta["selfLink"] = nil
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        if r.tracksGeneration { meta["generation"] = 1 } else { meta["generation"] = nil }
        object["metadata"] = .object(meta)
        object = ObjectDefaulter.prepareForCreate(r, object)
        let admission = options.admission.map { ($0, options.attributes(.create, r, namespace: namespace, name: name)) }
        if let (chain, attrs) = admission {
            try await chain.mutate(&object, old: nil, attrs)
            // Admission may have filled requests and limits (LimitRange): the QoS class follows them.
            if r.group.isEmpty && r.kind == "Pod" { object[path: ["status", "qosClass"]] = .string(ObjectDefaulter.qosClass(object["spec"] ?? [:])) }
        }
        object = try customResourceRules(r, object, name: name)
        if r.group.isEmpty && r.kind == "Service" {
            let services = try cache(r)
            await services.waitUntilReady()
            object = ServiceAddressAllocator.allocate(object, existing: services.objects())
        }
        try ObjectValidator.validateCreate(r, object, name: name)
        if r.namespaced, let namespace {
            try await requireNamespace(namespace, creating: r, name: name)
        }
        object = options.track(live: nil, new: object)
        object = Self.canonicalOrder(object, r)
        let bytes = object.serialized()
        let key = r.key(namespace: namespace, name: name)
        // Validating admission may make the write depend on writes it started (a quota charge);
        // if one of those lost a race, the object was not written and admission decides again.
        for _ in 0..<8 {
            var requiring: [PendingWrite] = []
            if let (chain, attrs) = admission { requiring = try await chain.validate(object, old: nil, attrs) }
            if options.dryRun {
                return CachedObject(key: key, object: object, bytes: bytes, revision: 0, createRevision: 0)
            }
            do {
                let stored = try await storage.create(key, value: bytes, requiring: requiring)
                return Self.served(object, key: key, bytes: bytes, stored: stored)
            } catch StorageError.keyExists {
                throw APIError.alreadyExists(r, name)
            } catch StorageError.requirementFailed {
                continue
            } catch {
                throw Self.storageError(error, r, name)
            }
        }
        throw APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(r.qualifiedResource) \"\(name)\": admission kept losing races; please retry")
    }

    /// Builds the served form of an object just written: the stored bytes with the revision
    /// spliced in, and the object the writer already holds.
    static func served(_ object: JSON, key: String, bytes: [UInt8], stored: StoredValue) -> CachedObject {
        var o = object
        o[path: ["metadata", "resourceVersion"]] = .string(String(stored.modRevision))
        let served = ResourceVersionSplice.insert(revision: stored.modRevision, into: bytes) ?? o.serialized()
        return CachedObject(key: key, object: o, bytes: served, revision: stored.modRevision, createRevision: stored.createRevision)
    }

    private func requireNamespace(_ namespace: String, creating r: ResourceType, name: String) async throws(APIError) {
        guard let nsType = catalog.lookup(group: "", version: "v1", plural: "namespaces") else { return }
        let cache = try cache(nsType)
        await cache.waitUntilReady()
        var ns = cache.get(nsType.key(namespace: nil, name: namespace))
        if ns == nil {
            // The namespace may have been created a moment ago by this very client.
            try? await cache.waitUntilConsistent()
            ns = cache.get(nsType.key(namespace: nil, name: namespace))
        }
        guard let ns else { throw APIError.notFound(nsType, namespace) }
        if ns.object.string("status", "phase") == "Terminating" {
            throw APIError.forbidden("\(r.qualifiedResource) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                                     name: name, group: r.group, kind: r.plural)
        }
    }

    /// Replaces an object (PUT). For a subresource ("status"), only that part changes.
    public func update(_ r: ResourceType, namespace: String?, name: String, object input: JSON, subresource: String?,
                       options: WriteOptions) async throws(APIError) -> CachedObject {
        let meta = input["metadata"]?.objectValue ?? JSONObject()
        if let bodyName = meta["name"]?.stringValue, bodyName != name {
            if bodyName.isEmpty {
                throw APIError.invalid(r, name, [FieldError.required("metadata.name", "name or generateName is required")])
            }
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if r.namespaced, let ns = meta["namespace"]?.stringValue, !ns.isEmpty, ns != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let expected = meta["resourceVersion"]?.stringValue.flatMap { $0.isEmpty ? nil : Int64($0) }
        if let rv = meta["resourceVersion"]?.stringValue, !rv.isEmpty, expected == nil {
            throw APIError.invalid(r, name, [FieldError.invalid("metadata.resourceVersion", rv, "must be specified for an update")])
        }
        return try await guaranteedUpdate(r, namespace: namespace, name: name, precondition: expected, options: options) { current throws(APIError) in
            try Self.merge(update: input, onto: current, r, subresource: subresource)
        }
    }

    /// Reads the current object, transforms it and writes it back if its revision has not moved,
    /// retrying on conflicts unless the caller named a resourceVersion.
    public func guaranteedUpdate(_ r: ResourceType, namespace: String?, name: String, precondition: Int64?, options: WriteOptions,
                                 transform: (JSON) throws(APIError) -> JSON) async throws(APIError) -> CachedObject {
        let key = r.key(namespace: namespace, name: name)
        var current = try await get(r, namespace: namespace, name: name)
        for attempt in 0..<16 {
            if let precondition, precondition != current.revision { throw APIError.conflict(r, name) }
            var next = try transform(current.object)
            next = ObjectDefaulter.prepareForUpdate(r, next, old: current.object)
            let admission = options.admission.map { ($0, options.attributes(.update, r, namespace: namespace, name: name)) }
            if let (chain, attrs) = admission { try await chain.mutate(&next, old: current.object, attrs) }
            if r.group.isEmpty && r.kind == "Service" { next = ServiceAddressAllocator.keepAllocated(next, old: current.object) }
            next = try customResourceRules(r, next, old: current.object, name: name)
            try ObjectValidator.validateUpdate(r, next, old: current.object, name: name)
            try DeletionPlan.checkNoNewFinalizers(r, next, old: current.object, name: name)
            var requiring: [PendingWrite] = []
            if let (chain, attrs) = admission { requiring = try await chain.validate(next, old: current.object, attrs) }
            next[path: ["metadata", "resourceVersion"]] = nil
            var live = current.object
            live[path: ["metadata", "resourceVersion"]] = nil
            next = options.track(live: live, new: next)
            next = Self.canonicalOrder(next, r)
            var oldStripped = current.object
            oldStripped[path: ["metadata", "resourceVersion"]] = nil
            if next == oldStripped {
                return current  // no-op updates do not write (upstream keeps the resourceVersion)
            }
            let bytes = next.serialized()
            if options.dryRun {
                var o = next
                o[path: ["metadata", "resourceVersion"]] = .string(String(current.revision))
                return CachedObject(key: key, object: o, bytes: o.serialized(), revision: current.revision, createRevision: current.createRevision)
            }
            do {
                if DeletionPlan.finishedAfterUpdate(r, next) {
                    // The last finalizer is gone: the object leaves the store.
                    let stored = try await storage.delete(key, expectedRevision: current.revision)
                    return Self.served(next, key: key, bytes: bytes, stored: stored)
                }
                let stored = try await storage.update(key, value: bytes, expectedRevision: current.revision, requiring: requiring)
                return Self.served(next, key: key, bytes: bytes, stored: stored)
            } catch StorageError.requirementFailed {
                continue  // a charge admission started lost a race: decide again
            } catch StorageError.conflict(_, let latest) {
                if precondition != nil || attempt == 15 { throw APIError.conflict(r, name) }
                current = try Self.retryBase(latest, key: key)
            } catch StorageError.notFound {
                throw APIError.notFound(r, name)
            } catch {
                throw Self.storageError(error, r, name)
            }
        }
        throw APIError.conflict(r, name)
    }

    /// Writes `next` over `base` if the stored object is still at `base.revision`, without the
    /// object rules of `update` (for server-internal status bookkeeping such as quota charges).
    /// On a conflict, throws `.stale` with the object the store holds now, to decide again against.
    public func compareAndSwap(_ r: ResourceType, base: CachedObject, next: JSON) async throws(CompareAndSwapError) -> CachedObject {
        try await startCompareAndSwap(r, base: base, next: next).result()
    }

    /// `compareAndSwap` started without waiting: other writes may require `swap.pending`
    /// (admission returns it) and so land in the same commit; `result()` gives the outcome.
    public func startCompareAndSwap(_ r: ResourceType, base: CachedObject, next: JSON) -> StartedSwap {
        var object = next
        object[path: ["metadata", "resourceVersion"]] = nil
        object = Self.canonicalOrder(object, r)
        let bytes = object.serialized()
        return StartedSwap(pending: storage.startUpdate(base.key, value: bytes, expectedRevision: base.revision),
                           resource: r, base: base, object: object, bytes: bytes)
    }

    /// A compare-and-swap the store has queued; see `startCompareAndSwap`.
    public struct StartedSwap: Sendable {
        public let pending: PendingWrite
        let resource: ResourceType
        let base: CachedObject
        let object: JSON
        let bytes: [UInt8]

        /// The object as written once the store has ordered the write (later writes see it; it
        /// may not be durable yet), or nil if it was refused: `result()` says why.
        public func ordered() async -> CachedObject? {
            guard let stored = await pending.ordered() else { return nil }
            return ObjectRegistry.served(object, key: base.key, bytes: bytes, stored: stored)
        }

        /// The written object, or why not: `.stale` with the current object on a conflict.
        public func result() async throws(CompareAndSwapError) -> CachedObject {
            do {
                let stored = try await pending.result()
                return ObjectRegistry.served(object, key: base.key, bytes: bytes, stored: stored)
            } catch StorageError.conflict(_, let latest) {
                guard let current = try? ObjectRegistry.retryBase(latest, key: base.key) else {
                    throw .failed(APIError.internalError("undecodable object at \(base.key)"))
                }
                throw .stale(current)
            } catch StorageError.notFound {
                throw .failed(APIError.notFound(resource, base.name))
            } catch {
                throw .failed(ObjectRegistry.storageError(error, resource, base.name))
            }
        }
    }

    /// The object a conflicting write found in the store, to retry against.
    static func retryBase(_ latest: StoredValue, key: String) throws(APIError) -> CachedObject {
        do {
            return try CachedObject(key: key, stored: latest.value, revision: latest.modRevision, createRevision: latest.createRevision)
        } catch { throw APIError.internalError("\(error)") }
    }

    /// The object after a PUT: immutable metadata kept from the current object; status (or, for
    /// the status subresource, everything but status) kept where a status subresource exists.
    static func merge(update input: JSON, onto current: JSON, _ r: ResourceType, subresource: String?) throws(APIError) -> JSON {
        var next: JSON
        if subresource == "status" {
            next = current
            next["status"] = input["status"]
        } else if subresource == "finalize" {
            next = current
            next[path: ["spec", "finalizers"]] = input[path: ["spec", "finalizers"]]
        } else {
            next = input
            if r.hasSubresource("status") { next["status"] = current["status"] }
        }
        var meta = next["metadata"]?.objectValue ?? JSONObject()
        let old = current["metadata"]?.objectValue ?? JSONObject()
        for k in ["uid", "creationTimestamp", "namespace", "name", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"] {
            meta[k] = old[k]
        }
        if meta["generateName"] == nil { meta["generateName"] = old["generateName"] }
        meta["selfLink"] = nil
        next["metadata"] = .object(meta)
        if next["kind"] == nil { next["kind"] = current["kind"] }
        if next["apiVersion"] == nil { next["apiVersion"] = current["apiVersion"] }
        return next
    }

    // MARK: Helpers

    /// Custom resources: schema defaults, then schema validation, then the schema's CEL rules
    /// (`oldSelf` from the previous object on updates); stored in the storage version.
    func customResourceRules(_ r: ResourceType, _ object: JSON, old: JSON? = nil, name: String) throws(APIError) -> JSON {
        guard r.isCustom else { return object }
        var object = object
        if let details = catalog.customVersion(r), let schema = details.schema {
            object = SchemaDefaulter.apply(object, schema: schema)
            // The body's top-level fields with their schemas (the envelope is the server's).
            let fields = (object.objectValue?.entries ?? []).compactMap { e -> (key: String, value: JSON, schema: JSON)? in
                guard !["apiVersion", "kind", "metadata"].contains(e.key), let p = schema[path: ["properties", e.key]] else { return nil }
                return (e.key, e.value, p)
            }
            var errors: [FieldError] = []
            for f in fields { errors += SchemaValidator.validate(f.value, schema: f.schema, path: f.key) }
            if let required = schema["required"]?.arrayValue?.compactMap(\.stringValue) {
                for key in required where object[key] == nil { errors.append(.required(key)) }
            }
            // CEL rules run only on objects that pass the schema, as upstream.
            if errors.isEmpty {
                for rule in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
                    if let e = ValidationRules.check(rule, object, old, "<nil>") { errors.append(e) }
                }
                for f in fields { errors += ValidationRules.validate(f.value, old: old?[f.key], schema: f.schema, path: f.key) }
            }
            if !errors.isEmpty { throw APIError.invalid(r, name, errors) }
        }
        if r.storageVersion != nil { object["apiVersion"] = .string(r.storedAPIVersion) }
        return object
    }

    static func storageError(_ error: any Error, _ r: ResourceType, _ name: String) -> APIError {
        if let e = error as? APIError { return e }
        switch error as? StorageError {
        case .compacted(let requested, let compacted)?:
            return APIError.expired("too old resource version: \(requested) (\(compacted))")
        case .futureRevision(let requested, let current)?:
            return APIError.timeout("Too large resource version: \(requested), current: \(current)")
        case .unavailable(let msg)?:
            return APIError.internalError(msg)
        default:
            return APIError.internalError("\(error)")
        }
    }

    /// kind, apiVersion, metadata first (as Go's typed structs print them); the rest as given.
    static func canonicalOrder(_ object: JSON, _ r: ResourceType) -> JSON {
        guard case .object(var o) = object else { return object }
        if o["kind"] == nil { o["kind"] = .string(r.kind) }
        if o["apiVersion"] == nil { o["apiVersion"] = .string(r.apiVersion) }
        o.moveToFront(["kind", "apiVersion", "metadata"])
        return .object(o)
    }
}


/// Why `compareAndSwap` did not write.
public enum CompareAndSwapError: Error {
    /// Someone wrote first; this is the object now.
    case stale(CachedObject)
    case failed(APIError)
}
