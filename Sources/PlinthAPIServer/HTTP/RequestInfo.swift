/// What a request path addresses, as upstream's RequestInfoFactory parses it.
struct RequestInfo {
    enum Kind {
        /// `/api/v1/namespaces/ns/configmaps/name/status`
        case resource
        /// `/version`, `/healthz`, discovery documents, OpenAPI.
        case nonResource
    }

    var kind: Kind
    var group = ""
    var version = ""
    var namespace: String?

    /// The namespace RBAC and audit see: as upstream, a request for a namespace object is "in"
    /// that namespace, so RoleBindings there can grant reading or deleting it.
    var authorizationNamespace: String? {
        namespace ?? (kind == .resource && group.isEmpty && resource == "namespaces" ? name : nil)
    }
    var resource = ""
    var name: String?
    var subresource: String?
    var path: String

    /// Parses an API path; returns a non-resource info for anything that is not a resource URL.
    static func parse(path: String) -> RequestInfo {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var info = RequestInfo(kind: .nonResource, path: path)
        guard let first = segments.first else { return info }
        var rest: ArraySlice<String>
        if first == "api" {
            guard segments.count >= 3 else { return info }
            info.version = segments[1]
            rest = segments[2...]
        } else if first == "apis" {
            guard segments.count >= 4 else { return info }
            info.group = segments[1]
            info.version = segments[2]
            rest = segments[3...]
        } else {
            return info
        }
        info.kind = .resource
        // namespaces/{ns}/{resource}/… — but `namespaces/{name}` alone (or with a subresource
        // such as status or finalize) addresses the namespace object itself.
        if rest.first == "namespaces", rest.count >= 2 {
            let ns = rest[rest.startIndex + 1]
            if rest.count == 2 {
                info.resource = "namespaces"
                info.name = ns
                return info
            }
            if rest.count == 3 && info.group.isEmpty && ["status", "finalize"].contains(rest[rest.startIndex + 2]) {
                info.resource = "namespaces"
                info.name = ns
                info.subresource = rest[rest.startIndex + 2]
                return info
            }
            info.namespace = ns
            rest = rest.dropFirst(2)
        }
        let parts = Array(rest)
        info.resource = parts[0]
        if parts.count >= 2 { info.name = parts[1] }
        if parts.count >= 3 { info.subresource = parts[2...].joined(separator: "/") }
        return info
    }
}
