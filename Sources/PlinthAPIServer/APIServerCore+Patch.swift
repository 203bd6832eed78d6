import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// PATCH with any of the three patch types (and apply-patch, treated as a merge until
    /// server-side apply's field ownership lands). Retries on conflicts unless the patch names
    /// a resourceVersion.
    func patch(_ r: ResourceType, namespace: String?, name: String, subresource: String?, body: [UInt8], contentType: String?,
               query: QueryParameters, options: WriteOptions) async throws(APIError) -> (object: CachedObject, created: Bool) {
        let mediaType = BodyDecoder.MediaType(contentType)
        let patch: JSON
        switch mediaType {
        case .jsonPatch, .mergePatch, .strategicMergePatch:
            do { patch = try JSON.parse(body) } catch { throw APIError.badRequest("error decoding patch: \(error.message)") }
        case .applyPatch:
            patch = try BodyDecoder.decodeYAMLOrJSON(body)
        default:
            throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json")
        }
        if case .strategicMergePatch = mediaType, !BuiltinPatchMeta.isBuiltin(group: r.group, kind: r.kind) {
            throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
        }
        var isApply = false
        if case .applyPatch = mediaType { isApply = true }
        if query["force"] != nil, !isApply {
            throw APIError(code: 422, reason: "Invalid", message: "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch",
                           group: "meta.k8s.io", kind: "PatchOptions",
                           causes: [.init(reason: "FieldValueForbidden", message: "Forbidden: may not be specified for non-apply patch", field: "force")])
        }
        if case .applyPatch = mediaType, subresource != "scale" {
            return try await apply(r, namespace: namespace, name: name, subresource: subresource, config: patch, query: query, options: options)
        }
        let precondition = patch[path: ["metadata", "resourceVersion"]]?.stringValue.flatMap(Int64.init)
        if subresource == "scale" {
            let custom = catalog.customVersion(r)?.scale
            let updated = try await registry.guaranteedUpdate(r, namespace: namespace, name: name, precondition: nil, options: options) { current throws(APIError) in
                let scale = ScaleSubresource.scale(of: current, r, custom: custom)
                let patched = try Self.applyPatch(patch, mediaType: mediaType, to: scale, r: r, scale: true)
                var next = current
                if let replicas = patched[path: ["spec", "replicas"]] { next[path: ScaleSubresource.specPath(custom)] = replicas }
                return next
            }
            return (updated, false)
        }
        let updated = try await registry.guaranteedUpdate(r, namespace: namespace, name: name, precondition: precondition, options: options) { stored throws(APIError) in
            // Patches apply to the object as served in the request's version.
            var current = stored
            if r.convertsAPIVersion { current["apiVersion"] = .string(r.apiVersion) }
            var patched = try Self.applyPatch(patch, mediaType: mediaType, to: current, r: r, scale: false)
            // Identity cannot be patched away.
            if patched.string("metadata", "name") != name {
                if let n = patched.string("metadata", "name"), !n.isEmpty {
                    throw APIError.badRequest("the name of the object (\(n)) does not match the name on the URL (\(name))")
                }
            }
            if case .object = patched {} else {
                throw APIError.badRequest("patch must result in an object")
            }
            try Self.checkTypeMeta(&patched, r)
            _ = try pruneUnknownFields(&patched, r, query: query)
            return try ObjectRegistry.merge(update: patched, onto: current, r, subresource: subresource)
        }
        return (updated, false)
    }

    static func applyPatch(_ patch: JSON, mediaType: BodyDecoder.MediaType, to doc: JSON, r: ResourceType, scale: Bool) throws(APIError) -> JSON {
        do {
            switch mediaType {
            case .jsonPatch:
                return try JSONPatch.apply(patch, to: doc)
            case .mergePatch, .applyPatch:
                guard case .object = patch else { throw APIError.badRequest("json: cannot unmarshal \(patch.typeName) into Go value of type map[string]interface {}") }
                return MergePatch.apply(patch, to: doc)
            case .strategicMergePatch:
                guard case .object = patch else { throw APIError.badRequest("json: cannot unmarshal \(patch.typeName) into Go value of type map[string]interface {}") }
                return try StrategicMergePatch.apply(patch, to: doc, meta: BuiltinPatchMeta(), kind: scale ? "Scale" : r.kind)
            default:
                throw APIError.unsupportedMediaType("")
            }
        } catch let e as APIError {
            throw e
        } catch let e as PatchError {
            throw e.apiError
        } catch {
            throw APIError.badRequest("\(error)")
        }
    }

    /// Server-side apply: merges the configuration into the live object (or creates it),
    /// recording the applier's fields; 409 on conflicts with other managers unless forced.
    func apply(_ r: ResourceType, namespace: String?, name: String, subresource: String?, config input: JSON, query: QueryParameters,
               options: WriteOptions) async throws(APIError) -> (object: CachedObject, created: Bool) {
        guard let manager = query["fieldManager"], !manager.isEmpty else {
            throw APIError(code: 422, reason: "Invalid", message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                           group: "meta.k8s.io", kind: "PatchOptions",
                           causes: [.init(reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager")])
        }
        let force = query["force"].map { $0 != "0" && $0.lowercased() != "false" } ?? false
        var config = input
        guard case .object = config else { throw APIError.badRequest("error decoding YAML: object expected") }
        if config[path: ["metadata", "managedFields"]] != nil { throw APIError.badRequest("metadata.managedFields must be nil") }
        if let v = config["apiVersion"]?.stringValue, v != r.apiVersion {
            throw APIError.badRequest("Incorrect version specified in apply patch. Specified patch version: \(v), expected: \(r.apiVersion)")
        }
        if config["kind"]?.stringValue != r.kind || config["apiVersion"] == nil {
            throw APIError.badRequest("invalid object type: \(r.apiVersion), Kind=\(config["kind"]?.stringValue ?? "")")
        }
        if let n = config.string("metadata", "name"), n != name {
            throw APIError.badRequest("the name of the object (\(n)) does not match the name on the URL (\(name))")
        }
        if r.namespaced, let ns = config.string("metadata", "namespace"), !ns.isEmpty, ns != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        // Apply refuses fields the schema does not declare, whatever fieldValidation says.
        let (_, unknown) = pruner.prune(config, r)
        if let first = unknown.first {
            let at = r.namespaced ? "\(namespace ?? "")/\(name)" : name
            throw APIError(code: 500, reason: "InternalError",
                           message: "failed to create typed patch object (\(at); \(r.apiVersion), Kind=\(r.kind)): .\(first): field not declared in schema")
        }
        let fields = surface.fieldManager(r, subresource: subresource)
        var untracked = options
        untracked.tracker = nil
        untracked.fieldManager = manager
        do {
            _ = try await registry.get(r, namespace: namespace, name: name)
        } catch let e where e.code == 404 && subresource == nil {
            var object: JSON
            do throws(FieldManager.Conflict) { object = try fields.apply(live: nil, config: config, manager: manager, force: force) } catch { throw Self.conflict(error) }
            object[path: ["metadata", "name"]] = .string(name)
            do {
                return (try await registry.create(r, namespace: namespace, object: object, options: untracked), true)
            } catch let e where e.reason == "AlreadyExists" {
                // Another apply created it a moment ago: apply onto that.
            }
        }
        // A resourceVersion in the configuration pins the object it applies to.
        let precondition = config.string("metadata", "resourceVersion").flatMap(Int64.init)
        let updated = try await registry.guaranteedUpdate(r, namespace: namespace, name: name, precondition: precondition, options: untracked) { current throws(APIError) in
            var live = current
            live[path: ["metadata", "resourceVersion"]] = nil
            if r.convertsAPIVersion { live["apiVersion"] = .string(r.apiVersion) }
            let merged: JSON
            do throws(FieldManager.Conflict) { merged = try fields.apply(live: live, config: config, manager: manager, force: force) } catch { throw Self.conflict(error) }
            var next = try ObjectRegistry.merge(update: merged, onto: current, r, subresource: subresource)
            next[path: ["metadata", "managedFields"]] = merged[path: ["metadata", "managedFields"]]
            return next
        }
        return (updated, false)
    }

    static func conflict(_ c: FieldManager.Conflict) -> APIError {
        var causes: [APIError.Cause] = []
        for (owner, paths) in c.conflicts {
            for p in paths { causes.append(.init(reason: "FieldManagerConflict", message: "conflict with \(owner.printed)", field: p)) }
        }
        return APIError(code: 409, reason: "Conflict", message: c.message, causes: causes)
    }
}
