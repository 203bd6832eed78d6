import Foundation
import Hummingbird
import Logging
import NIOCore
import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage
import Synchronization

/// The Kubernetes API: authenticates, authorizes and routes every request to discovery,
/// OpenAPI, health, metrics or a resource handler. Shared by all connections.
public final class APIServerCore: Sendable {
    public let registry: ObjectRegistry
    let authenticator: any Authenticator
    let authorizer: any Authorizer
    private let served: Mutex<APISurface>
    public let metrics: APIMetrics
    let logger: Logger
    let readiness: ReadinessFlag
    /// Set when the server begins a graceful shutdown; open watches end on it.
    public let stopping = StopSignal()
    /// Login, token exchange and token issuing; nil when the server runs without a directory.
    public let identity: IdentityService?
    /// Admission plugins every client write passes through.
    public let admission: AdmissionChain
    /// Where every request is recorded, when auditing is on.
    public let audit: AuditLog?
    /// The way to host agents (pod logs); nil when the server reaches none.
    public let agents: AgentConnections?

    public init(registry: ObjectRegistry, authenticator: any Authenticator, authorizer: any Authorizer,
                identity: IdentityService? = nil, admission: AdmissionChain = AdmissionChain([]), audit: AuditLog? = nil,
                agents: AgentConnections? = nil, logger: Logger) {
        self.registry = registry
        self.agents = agents
        self.admission = admission
        self.audit = audit
        self.authenticator = authenticator
        self.authorizer = authorizer
        self.identity = identity
        self.served = Mutex(APISurface(catalog: registry.catalog))
        self.metrics = APIMetrics()
        self.logger = logger
        self.readiness = ReadinessFlag()
    }

    var surface: APISurface { served.withLock { $0 } }
    public var catalog: ResourceCatalog { surface.catalog }
    var discovery: DiscoveryDocuments { surface.discovery }
    var openAPI: OpenAPIDocuments { surface.openAPI }
    var pruner: UnknownFieldPruner { surface.pruner }

    /// Serves `catalog` from now on (custom resources added or removed). Returns the watch
    /// caches it needs that did not exist yet; the caller runs them.
    public func serve(_ catalog: ResourceCatalog) -> [WatchCache] {
        let fresh = registry.replaceCatalog(catalog)
        let surface = APISurface(catalog: catalog)
        served.withLock { $0 = surface }
        return fresh
    }

    /// Marks the server ready (`/readyz`) once the caches have loaded.
    public func markReady() { readiness.set() }

    /// Whether every watch cache has loaded and custom resources are served.
    public var isReady: Bool { readiness.isSet }

    public func handle(_ request: Request) async -> Response {
        let start = ContinuousClock.now
        let path = request.uri.path
        let query = QueryParameters(request.uri.query)
        let info = RequestInfo.parse(path: path)
        if path.hasPrefix("/wcp/"), let login = await handleLogin(request, path: path) {
            metrics.record(verb: "create", resource: "", subresource: "", code: Int(login.status.code), duration: ContinuousClock.now - start)
            return login
        }
        let trace = RequestTrace()
        let received = Date()
        let (verb, response) = await Self.$trace.withValue(trace) {
            await respond(request, path: path, query: query, info: info, trace: trace)
        }
        metrics.record(verb: verb, resource: info.kind == .resource ? info.resource : "", subresource: info.subresource ?? "",
                       code: Int(response.status.code), duration: ContinuousClock.now - start)
        if let audit { record(audit, request, info: info, query: query, trace: trace, code: Int(response.status.code), received: received) }
        return response
    }

    /// Authenticates, authorizes and handles one request; errors become Status responses.
    func respond(_ request: Request, path: String, query: QueryParameters, info: RequestInfo, trace: RequestTrace) async -> (String, Response) {
        var verb = request.method.rawValue
        do {
            let user = try await authenticate(request)
            trace.user = user
            switch info.kind {
            case .nonResource:
                verb = request.method == .get || request.method == .head ? "get" : request.method.rawValue.lowercased()
                try await authorize(AuthorizationAttributes(user: user, verb: verb, path: path))
                return (verb, try await handleNonResource(request, path: path, query: query, user: user))
            case .resource:
                let result = try await handleResource(request, info: info, query: query, user: user)
                return (result.verb, result.response)
            }
        } catch let e as APIError {
            return (verb, APIResponse.error(e))
        } catch {
            logger.error("internal error on \(request.method) \(path): \(error)")
            return (verb, APIResponse.error(.internalError("\(error)")))
        }
    }

    /// One audit event for a finished request (anonymous requests that never authenticated too).
    func record(_ audit: AuditLog, _ request: Request, info: RequestInfo, query: QueryParameters, trace: RequestTrace, code: Int, received: Date) {
        let user = trace.user ?? .anonymous
        let isResource = info.kind == .resource
        let verb = isResource ? Self.verb(method: request.method, hasName: info.name != nil, watch: query.bool("watch"))
                              : (request.method == .get || request.method == .head ? "get" : request.method.rawValue.lowercased())
        audit.record(AuditLog.Entry(user: user, impersonator: trace.impersonator, verb: verb, requestURI: request.uri.description,
                                    sourceIP: nil, userAgent: request.headers[.userAgent], group: info.group, version: info.version,
                                    resource: isResource ? info.resource : "", subresource: info.subresource, namespace: info.authorizationNamespace,
                                    name: info.name, path: isResource ? nil : request.uri.path, code: code, received: received,
                                    requestBody: trace.body))
    }

    func authenticate(_ request: Request) async throws(APIError) -> UserInfo {
        guard let header = request.headers[.authorization] else { return .anonymous }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        let token = String(parts[1].trimmingASCIIWhitespace())
        guard let user = await authenticator.authenticate(bearerToken: token) else { throw APIError.unauthorized }
        let acting = try await impersonated(request, by: user)
        if acting != user { Self.trace?.impersonator = user }
        return acting
    }

    /// Upstream's impersonation: `Impersonate-User`/`-Group`/`-Uid`/`-Extra-*` headers act as
    /// another user when the caller may `impersonate` each of them.
    func impersonated(_ request: Request, by user: UserInfo) async throws(APIError) -> UserInfo {
        let header = { (name: String) -> [String] in
            request.headers.compactMap { $0.name.canonicalName.lowercased() == name ? $0.value : nil }
        }
        let groups = header("impersonate-group")
        let uid = header("impersonate-uid").first
        guard let name = header("impersonate-user").first else {
            if !groups.isEmpty || uid != nil {
                throw APIError(code: 500, reason: "InternalError", message: "Internal error occurred: requested [{Group  \(groups.first ?? "")  authentication.k8s.io/v1  }] without impersonating a user")
            }
            return user
        }
        func check(_ resource: String, _ value: String, namespace: String? = nil, group: String = "") async throws(APIError) {
            let a = AuthorizationAttributes(user: user, verb: "impersonate", namespace: namespace, group: group, resource: resource, name: value)
            if case .allow = await authorizer.authorize(a) { return }
            throw APIError.forbidden(Self.forbiddenMessage(a), name: value, group: group, kind: resource)
        }
        var result = UserInfo(username: name, uid: uid ?? "", groups: groups)
        let sa = name.split(separator: ":", omittingEmptySubsequences: false)
        if sa.count == 4, sa[0] == "system", sa[1] == "serviceaccount" {
            try await check("serviceaccounts", String(sa[3]), namespace: String(sa[2]))
            if groups.isEmpty { result.groups = ["system:serviceaccounts", "system:serviceaccounts:\(sa[2])"] }
        } else {
            try await check("users", name)
        }
        for g in groups { try await check("groups", g) }
        if let uid { try await check("uids", uid, group: "authentication.k8s.io") }
        if name != "system:anonymous", !result.groups.contains("system:authenticated") { result.groups.append("system:authenticated") }
        return result
    }

    func authorize(_ a: AuthorizationAttributes) async throws(APIError) {
        // Public information, as upstream's system:public-info-viewer role grants it.
        if let p = a.path {
            if a.verb == "get", ["/healthz", "/livez", "/readyz", "/version"].contains(where: { p == $0 || p.hasPrefix($0 + "/") }) {
                return
            }
            // Discovery and OpenAPI for every authenticated user (upstream's system:discovery), and
            // the list of namespaces they may use.
            if a.user.groups.contains("system:authenticated"), p.hasPrefix("/api") || p.hasPrefix("/openapi") || p == "/wcp/namespaces" {
                return
            }
        }
        if case .allow = await authorizer.authorize(a) { return }
        throw APIError.forbidden(Self.forbiddenMessage(a), name: a.name, group: a.group, kind: a.resource.isEmpty ? nil : a.resource)
    }

    static func forbiddenMessage(_ a: AuthorizationAttributes) -> String {
        if let p = a.path {
            return "forbidden: User \"\(a.user.username)\" cannot \(a.verb) path \"\(p)\""
        }
        let res = a.subresource.map { "\(a.resource)/\($0)" } ?? a.resource
        let qualified = a.group.isEmpty ? a.resource : "\(a.resource).\(a.group)"
        let subject = a.name.map { "\(qualified) \"\($0)\" is forbidden" } ?? "\(qualified) is forbidden"
        let scope = a.namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        return "\(subject): User \"\(a.user.username)\" cannot \(a.verb) resource \"\(res)\" in API group \"\(a.group)\" \(scope)"
    }

    // MARK: Non-resource paths

    func handleNonResource(_ request: Request, path: String, query: QueryParameters, user: UserInfo) async throws(APIError) -> Response {
        let accept = request.headers[.accept] ?? ""
        switch path {
        case "/version", "/version/":
            return APIResponse.json(.ok, VersionInfo.json.serialized())
        case "/healthz", "/livez", "/healthz/ping", "/livez/ping":
            return APIResponse.text(.ok, query.keys.contains("verbose") ? "[+]ping ok\nhealthz check passed\n" : "ok")
        case "/readyz", "/readyz/ping":
            if readiness.isSet { return APIResponse.text(.ok, query.keys.contains("verbose") ? "[+]ping ok\n[+]informer-sync ok\nreadyz check passed\n" : "ok") }
            return APIResponse.text(.internalServerError, "[-]informer-sync failed: reason withheld\nreadyz check failed\n")
        case "/metrics":
            return APIResponse.text(.ok, await metrics.render(registry: registry), contentType: "text/plain; version=0.0.4; charset=utf-8")
        case "/api", "/api/":
            return discovery.respond(legacy: true, accept: accept, ifNoneMatch: request.headers[.ifNoneMatch])
        case "/apis", "/apis/":
            return discovery.respond(legacy: false, accept: accept, ifNoneMatch: request.headers[.ifNoneMatch])
        case "/openapi/v3", "/openapi/v3/":
            return APIResponse.json(.ok, openAPI.index())
        case "/openapi/v2":
            return APIResponse.error(.pathNotFound())
        case "/wcp/namespaces":
            return try await accessibleNamespaces(user)
        default:
            break
        }
        if path.hasPrefix("/openapi/v3/") {
            let gv = String(path.dropFirst("/openapi/v3/".count))
            guard let doc = openAPI.document(for: gv) else { throw APIError.pathNotFound() }
            var headers: HTTPFields = [:]
            headers[.eTag] = "\"\(doc.hash)\""
            if query["hash"] != nil { headers[.cacheControl] = "public, immutable" }
            return APIResponse.json(.ok, doc.bytes, extraHeaders: headers)
        }
        let segments = path.split(separator: "/").map(String.init)
        if segments.count == 2, segments[0] == "api", segments[1] == "v1" {
            return APIResponse.json(.ok, discovery.resourceList(group: "", version: "v1"))
        }
        if segments.count == 2, segments[0] == "apis", let g = discovery.group(segments[1]) {
            return APIResponse.json(.ok, g)
        }
        if segments.count == 3, segments[0] == "apis", catalog.hasGroupVersion(group: segments[1], version: segments[2]) {
            return APIResponse.json(.ok, discovery.resourceList(group: segments[1], version: segments[2]))
        }
        throw APIError.pathNotFound()
    }
}

/// What the audit log needs to know about a request that handlers learn along the way: who
/// (and who impersonated), and the body when the policy keeps bodies.
final class RequestTrace: @unchecked Sendable {
    // Written and read by the one task handling the request.
    var user: UserInfo?
    var impersonator: UserInfo?
    var body: [UInt8]?
}

extension APIServerCore {
    @TaskLocal static var trace: RequestTrace?
}

/// A one-way flag: once set, stays set.
final class ReadinessFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
