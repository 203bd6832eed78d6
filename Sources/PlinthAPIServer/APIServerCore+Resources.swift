import Foundation
import Hummingbird
import NIOCore
import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// The verbs of resource requests: get, list, watch, create, update, patch, delete, deletecollection.
    func handleResource(_ request: Request, info: RequestInfo, query: QueryParameters, user: UserInfo) async throws(APIError) -> (verb: String, response: Response) {
        guard let r = catalog.lookup(group: info.group, version: info.version, plural: info.resource) else {
            throw APIError.pathNotFound()
        }
        if let sub = info.subresource, !r.hasSubresource(sub) { throw APIError.pathNotFound() }
        if !r.namespaced && info.namespace != nil { throw APIError.pathNotFound() }
        let verb = Self.verb(method: request.method, hasName: info.name != nil, watch: query.bool("watch"))
        try await authorize(AuthorizationAttributes(user: user, verb: verb, namespace: info.authorizationNamespace, group: r.group,
                                                    resource: r.plural, subresource: info.subresource, name: info.name))
        try Self.checkQuery(query, verb: verb)
        if verb != "create" && !r.verbs.contains(verb) && info.subresource == nil {
            throw APIError.methodNotSupported(r, verb: verb)
        }
        if verb == "create" && r.isCustom && !r.verbs.contains("create") {
            throw APIError(code: 405, reason: "MethodNotAllowed", message: "create not allowed while custom resource definition is terminating")
        }
        let accept = Self.Accept(request.headers[.accept])
        if accept.unsupported { throw APIError.notAcceptable(request.headers[.accept] ?? "") }
        let namespace = r.namespaced ? info.namespace : nil
        let tracked = ["create", "update", "patch"].contains(verb) && !r.isVirtual && info.subresource != "scale"
        let options = WriteOptions(dryRun: query.values["dryRun"]?.contains("All") == true,
                                   // Reads never record a manager: skip working out its name.
                                   fieldManager: ["get", "list", "watch"].contains(verb) ? nil : Self.managerName(query["fieldManager"], userAgent: request.headers[.userAgent]),
                                   tracker: tracked ? surface.fieldManager(r, subresource: info.subresource) : nil,
                                   admission: admission.plugins.isEmpty ? nil : admission, user: user)
        if let dr = query["dryRun"], dr != "All" {
            throw APIError.badRequest("Invalid dryRun value: \(dr). Valid values: All")
        }

        switch verb {
        case "get":
            if info.subresource == "scale" {
                let o = try await registry.get(r, namespace: namespace, name: info.name!)
                return (verb, APIResponse.json(.ok, ScaleSubresource.scale(of: o.object, r, custom: catalog.customVersion(r)?.scale)))
            }
            if info.subresource == "log", r.group.isEmpty, r.plural == "pods", let namespace, let name = info.name {
                return (verb, try await podLog(r, namespace: namespace, name: name, query: query))
            }
            if let sub = info.subresource, Self.podStreamSubresources.contains(sub), r.group.isEmpty, r.plural == "pods", let namespace, let name = info.name {
                _ = try await podStreamLocation(sub, namespace: namespace, name: name, query: query)
                throw APIError.badRequest("Upgrade request required")
            }
            if let sub = info.subresource, sub != "status" { throw APIError.methodNotSupported(r, verb: "get") }
            let o = try await registry.get(r, namespace: namespace, name: info.name!, resourceVersion: query["resourceVersion"])
            return (verb, respondObject(o, r, accept: accept, status: .ok))
        case "list":
            return (verb, try await list(r, namespace: namespace, query: query, accept: accept))
        case "watch":
            return (verb, try await watch(r, namespace: namespace, name: info.name, query: query, accept: accept))
        case "create":
            if r.isVirtual {
                return (verb, try await review(r, request: request, user: user))
            }
            if info.subresource == "token", r.group.isEmpty, r.plural == "serviceaccounts", let name = info.name, let namespace {
                return (verb, try await tokenRequest(request, namespace: namespace, serviceAccount: name, dryRun: options.dryRun))
            }
            if info.subresource == "binding", r.group.isEmpty, r.plural == "pods", let name = info.name, let namespace {
                return (verb, try await bindPod(request, namespace: namespace, name: name, options: options))
            }
            if info.subresource == "eviction", r.group.isEmpty, r.plural == "pods", let name = info.name, let namespace {
                return (verb, try await evictPod(request, namespace: namespace, name: name, options: options))
            }
            if let sub = info.subresource, Self.podStreamSubresources.contains(sub), r.group.isEmpty, r.plural == "pods", let name = info.name, let namespace {
                // SPDY (kubectl's fallback when the WebSocket upgrade was refused) is not served.
                _ = try await podStreamLocation(sub, namespace: namespace, name: name, query: query)
                throw APIError.badRequest("Upgrade request required")
            }
            if info.name != nil || info.subresource != nil {
                throw APIError.methodNotSupported(r, verb: "create")
            }
            let body = try await readBody(request)
            var object = try BodyDecoder.decodeObject(body, mediaType: BodyDecoder.MediaType(request.headers[.contentType]))
            try Self.checkTypeMeta(&object, r)
            let warnings = try pruneUnknownFields(&object, r, query: query)
            let created = try await registry.create(r, namespace: namespace, object: object, options: options)
            return (verb, respondObject(created, r, accept: accept, status: .created).withWarnings(warnings))
        case "update":
            let body = try await readBody(request)
            var object = try BodyDecoder.decodeObject(body, mediaType: BodyDecoder.MediaType(request.headers[.contentType]))
            if info.subresource == "scale" {
                let updated = try await ScaleSubresource.update(registry, r, namespace: namespace, name: info.name!, scale: object, custom: catalog.customVersion(r)?.scale, options: options)
                return (verb, APIResponse.json(.ok, ScaleSubresource.scale(of: updated.object, r, custom: catalog.customVersion(r)?.scale)))
            }
            try Self.checkTypeMeta(&object, r)
            let warnings = try pruneUnknownFields(&object, r, query: query)
            let updated = try await registry.update(r, namespace: namespace, name: info.name!, object: object,
                                                    subresource: info.subresource, options: options)
            return (verb, respondObject(updated, r, accept: accept, status: .ok).withWarnings(warnings))
        case "patch":
            let body = try await readBody(request)
            let (updated, created) = try await patch(r, namespace: namespace, name: info.name!, subresource: info.subresource,
                                                     body: body, contentType: request.headers[.contentType], query: query, options: options)
            if info.subresource == "scale" { return (verb, APIResponse.json(.ok, ScaleSubresource.scale(of: updated.object, r, custom: catalog.customVersion(r)?.scale))) }
            return (verb, respondObject(updated, r, accept: accept, status: created ? .created : .ok))
        case "delete":
            let body = try await readBody(request)
            var opts = try DeleteOptions(body: body, query: query)
            opts.dryRun = opts.dryRun || options.dryRun
            let result = try await registry.delete(r, namespace: namespace, name: info.name!, options: opts)
            // Objects that wait for finalizers or a grace period come back as they now are; so do
            // deleted pods, namespaces and service accounts (upstream's ReturnDeletedObject).
            if !result.deleted || (r.group.isEmpty && ["Pod", "Namespace", "ServiceAccount"].contains(r.kind)) {
                return (verb, respondObject(result.object, r, accept: accept, status: opts.orphanDependents == false && !result.deleted ? .accepted : .ok))
            }
            let status = APIResponse.successStatus(name: info.name!, group: r.group, kind: r.plural, uid: result.object.object.string("metadata", "uid"))
            return (verb, APIResponse.json(.ok, status))
        case "deletecollection":
            let body = try await readBody(request)
            var opts = try DeleteOptions(body: body, query: query)
            opts.dryRun = opts.dryRun || options.dryRun
            let filter = try makeFilter(r, namespace: namespace, query: query)
            let page = try await registry.list(r, namespace: namespace, resourceVersion: nil, limit: 0, continueToken: nil, filter: filter)
            let deleted = try await registry.deleteAll(r, page.items, options: opts)
            return (verb, listResponse(r, items: deleted, revision: page.revision, continueToken: nil, accept: accept))
        default:
            throw APIError.methodNotSupported(r, verb: verb)
        }
    }

    /// `?fieldManager=`, else the User-Agent up to its first `/` (at most 128 bytes), else "unknown".
    static func managerName(_ explicit: String?, userAgent: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        let prefix = String((userAgent ?? "").prefix { $0 != "/" }.filter { $0.isASCII ? ($0.asciiValue! >= 0x20 && $0.asciiValue! < 0x7F) : true })
        let truncated = String(decoding: Array(prefix.utf8.prefix(128)), as: UTF8.self)
        return truncated.isEmpty ? "unknown" : truncated
    }

    static func verb(method: HTTPRequest.Method, hasName: Bool, watch: Bool) -> String {
        switch method {
        case .get, .head: return watch ? "watch" : (hasName ? "get" : "list")
        case .post: return "create"
        case .put: return "update"
        case .patch: return "patch"
        case .delete: return hasName ? "delete" : "deletecollection"
        default: return method.rawValue.lowercased()
        }
    }

    static let knownQuery: Set<String> = [
        "pretty", "labelSelector", "fieldSelector", "watch", "allowWatchBookmarks", "resourceVersion", "resourceVersionMatch",
        "timeoutSeconds", "limit", "continue", "sendInitialEvents", "dryRun", "fieldManager", "fieldValidation", "force",
        "gracePeriodSeconds", "orphanDependents", "propagationPolicy", "includeObject", "timeout", "export", "exact",
        "container", "follow", "previous", "sinceSeconds", "sinceTime", "timestamps", "tailLines", "limitBytes",
        "insecureSkipTLSVerifyBackend", "ignoreStoreReadErrorWithClusterBreakingPotential",
    ]

    /// Unknown query parameters are refused, as upstream does for resource requests.
    static func checkQuery(_ query: QueryParameters, verb: String) throws(APIError) {
        for k in query.keys where !knownQuery.contains(k) {
            throw APIError.badRequest("unknown query parameter \"\(k)\"")
        }
        if let l = query["limit"], Int(l) == nil || Int(l)! < 0 {
            throw APIError.badRequest("invalid limit: \(l)")
        }
        if let fv = query["fieldValidation"], !["Strict", "Warn", "Ignore", ""].contains(fv) {
            throw APIError.badRequest("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"")
        }
    }

    /// kind/apiVersion, when present, must name this resource's kind and version.
    static func checkTypeMeta(_ object: inout JSON, _ r: ResourceType) throws(APIError) {
        guard case .object = object else {
            throw APIError.badRequest("couldn't get version/kind; json parse error: json: cannot unmarshal \(object.typeName) into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }")
        }
        if let v = object["apiVersion"]?.stringValue, !v.isEmpty, v != r.apiVersion {
            throw APIError.badRequest("the API version in the data (\(v)) does not match the expected API version (\(r.apiVersion))")
        }
        if let k = object["kind"]?.stringValue, !k.isEmpty, k != r.kind {
            throw APIError.badRequest("the kind in the data (\(k)) does not match the expected kind (\(r.kind))")
        }
        if let m = object["metadata"], m != .null, m.objectValue == nil {
            throw APIError.badRequest("json: cannot unmarshal \(m.typeName) into Go struct field \(r.kind).metadata of type v1.ObjectMeta")
        }
    }

    /// Drops unknown fields; Strict turns them into a 400, Warn into `Warning` headers.
    func pruneUnknownFields(_ object: inout JSON, _ r: ResourceType, query: QueryParameters) throws(APIError) -> [String] {
        let (pruned, unknown) = pruner.prune(object, r)
        object = pruned
        if unknown.isEmpty { return [] }
        switch FieldValidationMode(query["fieldValidation"]) {
        case .ignore:
            return []
        case .warn:
            return unknown.map { "unknown field \"\($0)\"" }
        case .strict:
            let list = unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
            throw APIError.badRequest("\(r.kind) in version \"\(r.version)\" cannot be handled as a \(r.kind): strict decoding error: \(list)")
        }
    }

    func readBody(_ request: Request) async throws(APIError) -> [UInt8] {
        var body = request.body
        do {
            let buffer = try await body.collect(upTo: BodyDecoder.maxBodyBytes)
            let bytes = Array(buffer.readableBytesView)
            if audit?.policy.keepsBodies == true, let trace = Self.trace { trace.body = bytes }
            return bytes
        } catch is NIOTooManyBytesError {
            throw APIError.requestEntityTooLarge(limit: BodyDecoder.maxBodyBytes)
        } catch {
            throw APIError.badRequest("unable to read request body: \(error)")
        }
    }

    // MARK: Lists

    func makeFilter(_ r: ResourceType, namespace: String?, query: QueryParameters) throws(APIError) -> WatchFilter {
        var labelSelector: LabelSelector?
        if let s = query["labelSelector"], !s.isEmpty {
            do { labelSelector = try LabelSelector.parse(s) } catch { throw APIError.badRequest(error.message) }
        }
        var fieldSelector: FieldSelector?
        if let s = query["fieldSelector"], !s.isEmpty {
            do {
                fieldSelector = try FieldSelector.parse(s).converted(group: r.group, version: r.version, kind: r.kind)
            } catch { throw APIError.badRequest(error.message) }
        }
        if labelSelector == nil && fieldSelector == nil { return WatchFilter(namespace: namespace) }
        let group = r.group, kind = r.kind
        return WatchFilter(namespace: namespace) { [labelSelector, fieldSelector] o in
            if let labelSelector, !labelSelector.matches(labels: o.object[path: ["metadata", "labels"]]?.objectValue) { return false }
            if let fieldSelector, !fieldSelector.matches(group: group, kind: kind, object: o.object) { return false }
            return true
        }
    }

    func list(_ r: ResourceType, namespace: String?, query: QueryParameters, accept: Accept) async throws(APIError) -> Response {
        let filter = try makeFilter(r, namespace: namespace, query: query)
        let limit = Int(query["limit"] ?? "0") ?? 0
        let page = try await registry.list(r, namespace: namespace, resourceVersion: query["resourceVersion"], limit: limit,
                                           continueToken: query["continue"], filter: filter)
        if accept.table {
            return APIResponse.json(.ok, TableBuilder.table(r, printer: tablePrinter(r), items: page.items, revision: page.revision, continueToken: page.continueToken,
                                                            includeObject: try TableBuilder.includeObject(query["includeObject"])).serialized(),
                                    contentType: "application/json;as=Table;v=v1;g=meta.k8s.io")
        }
        if accept.partialMetadata {
            return APIResponse.json(.ok, PartialMetadata.list(page.items, revision: page.revision, continueToken: page.continueToken).serialized(),
                                    contentType: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")
        }
        return listResponse(r, items: page.items, revision: page.revision, continueToken: page.continueToken, accept: accept)
    }

    /// `{"kind":"XList","apiVersion":…,"metadata":{…},"items":[…]}` from the cached bytes of each item.
    func listResponse(_ r: ResourceType, items: [CachedObject], revision: Int64, continueToken: String?, accept: Accept) -> Response {
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(128) { $0 + $1.bytes.count + 1 })
        out.append(contentsOf: "{\"kind\":\"\(r.listKind)\",\"apiVersion\":\"\(r.apiVersion)\",\"metadata\":{\"resourceVersion\":\"\(revision)\"".utf8)
        if let continueToken { out.append(contentsOf: ",\"continue\":\"\(continueToken)\"".utf8) }
        out.append(contentsOf: "},\"items\":[".utf8)
        var first = true
        for item in items {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: r.convertsAPIVersion ? item.converted(to: r).bytes : item.bytes)
        }
        out.append(contentsOf: "]}".utf8)
        return APIResponse.json(.ok, out)
    }

    func respondObject(_ stored: CachedObject, _ r: ResourceType, accept: Accept, status: HTTPResponse.Status) -> Response {
        let o = stored.converted(to: r)
        if accept.table {
            return APIResponse.json(status, TableBuilder.table(r, printer: tablePrinter(r), items: [o], revision: o.revision, continueToken: nil, includeObject: .metadata).serialized(),
                                    contentType: "application/json;as=Table;v=v1;g=meta.k8s.io")
        }
        if accept.partialMetadata {
            return APIResponse.json(status, PartialMetadata.object(o.object).serialized(),
                                    contentType: "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io")
        }
        return APIResponse.json(status, o.bytes)
    }

    func tablePrinter(_ r: ResourceType) -> TablePrinter {
        TableBuilder.printer(r, custom: catalog.customVersion(r))
    }

    /// The parts of the Accept header the server acts on.
    struct Accept {
        var table = false
        var partialMetadata = false
        var unsupported = false

        init(_ header: String?) {
            guard let header, !header.isEmpty else { return }
            // Fast path: plain JSON (most clients and every controller).
            if header == "application/json" || header == "*/*" { return }
            var anyJSON = false
            for item in header.split(separator: ",") {
                let params = item.split(separator: ";").map { String($0.trimmingASCIIWhitespace()) }
                let media = params.first ?? ""
                if media == "application/json" || media == "*/*" || media == "application/*" || media == "application/yaml" {
                    let asParam = params.first { $0.hasPrefix("as=") }
                    if asParam == "as=Table" { if !partialMetadata && !table && !anyJSON { table = true } }
                    else if asParam == "as=PartialObjectMetadataList" || asParam == "as=PartialObjectMetadata" {
                        if !table && !anyJSON { partialMetadata = true }
                    } else if asParam == nil { anyJSON = true }
                    if asParam == nil || table || partialMetadata { return }
                }
            }
            if !table && !partialMetadata && !anyJSON {
                // Only protobuf or unknown types were offered.
                unsupported = !header.contains("application/json") && !header.contains("*/*") && !header.contains("application/yaml")
            }
        }
    }
}

