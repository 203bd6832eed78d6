import Foundation
import Hummingbird
import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// `POST …/serviceaccounts/<name>/token`: a bound ServiceAccount token (TokenRequest).
    func tokenRequest(_ request: Request, namespace: String, serviceAccount name: String, dryRun: Bool) async throws(APIError) -> Response {
        guard let identity else { throw APIError.pathNotFound() }
        guard let saType = catalog.lookup(group: "", version: "v1", plural: "serviceaccounts") else { throw APIError.pathNotFound() }
        let body = try await readBody(request)
        var input = try BodyDecoder.decodeObject(body, mediaType: BodyDecoder.MediaType(request.headers[.contentType]))
        if input["kind"] == nil { input["kind"] = "TokenRequest" }
        if input["apiVersion"] == nil { input["apiVersion"] = "authentication.k8s.io/v1" }
        guard input.string("kind") == "TokenRequest" else {
            throw APIError.badRequest("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")
        }
        let sa = try await registry.get(saType, namespace: namespace, name: name).object
        let spec = input["spec"] ?? [:]
        let seconds = spec["expirationSeconds"]?.intValue ?? 3600
        var errors: [FieldError] = []
        if seconds < 600 { errors.append(FieldError(.invalid, field: "spec.expirationSeconds", value: String(seconds), detail: "may not specify a duration less than 10 minutes")) }
        if seconds > 1 << 32 { errors.append(FieldError(.invalid, field: "spec.expirationSeconds", value: String(seconds), detail: "may not specify a duration larger than 2^32 seconds")) }
        var bound: (kind: String, name: String, uid: String)?
        if let ref = spec["boundObjectRef"], !ref.isNull {
            let kind = ref["kind"]?.stringValue ?? ""
            guard ["Pod", "Secret"].contains(kind) else {
                throw APIError.badRequest("cannot bind token to object of type \(kind)")
            }
            let plural = kind == "Pod" ? "pods" : "secrets"
            let refName = ref["name"]?.stringValue ?? ""
            let obj = try await registry.get(catalog.lookup(group: "", version: "v1", plural: plural)!, namespace: namespace, name: refName).object
            let uid = obj.string("metadata", "uid") ?? ""
            if let want = ref["uid"]?.stringValue, !want.isEmpty, want != uid {
                throw APIError.conflict(saType, name)
            }
            bound = (kind, refName, uid)
        }
        if !errors.isEmpty {
            throw APIError.invalid(saType, kind: "TokenRequest", name, errors)
        }
        let audiences = (spec["audiences"]?.arrayValue ?? []).compactMap(\.stringValue)
        let (token, expires) = identity.issuer.serviceAccountToken(
            namespace: namespace, name: name, uid: sa.string("metadata", "uid") ?? "",
            audiences: audiences.isEmpty ? [TokenIssuer.serviceAccountIssuer] : audiences, lifetime: TimeInterval(seconds), boundObject: bound)
        var out = input
        out["metadata"] = ["name": .string(name), "namespace": .string(namespace), "creationTimestamp": .string(Timestamp.now())]
        var outSpec = spec.objectValue ?? JSONObject()
        outSpec["audiences"] = .array((audiences.isEmpty ? [TokenIssuer.serviceAccountIssuer] : audiences).map { .string($0) })
        outSpec["expirationSeconds"] = .int(seconds)
        if outSpec["boundObjectRef"] == nil { outSpec["boundObjectRef"] = nil }
        out["spec"] = .object(outSpec)
        out["status"] = ["token": .string(dryRun ? "" : token), "expirationTimestamp": .string(RFC3339.format(seconds: Int64(expires.timeIntervalSince1970)))]
        return APIResponse.json(.created, out)
    }
}
