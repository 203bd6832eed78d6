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
        let precondition = patch[path: ["metadata", "resourceVersion"]]?.stringValue.flatMap(Int64.init)
        if case .applyPatch = mediaType {
            // Create on apply when absent.
            do {
                _ = try await registry.get(r, namespace: namespace, name: name)
            } catch let e where e.code == 404 {
                var object = patch
                try Self.checkTypeMeta(&object, r)
                if object.string("metadata", "name") != name {
                    throw APIError.badRequest("metadata.name: Invalid value: \"\(object.string("metadata", "name") ?? "")\": field is immutable")
                }
                return (try await registry.create(r, namespace: namespace, object: object, options: options), true)
            }
        }
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
        let updated = try await registry.guaranteedUpdate(r, namespace: namespace, name: name, precondition: precondition, options: options) { current throws(APIError) in
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
}
