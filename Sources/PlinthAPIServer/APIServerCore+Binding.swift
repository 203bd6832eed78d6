import Foundation
import Hummingbird
import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// `POST …/pods/<name>/binding`: assigns an unscheduled pod to a node, as the scheduler
    /// does (upstream `BindingREST`): the pod gets `spec.nodeName`, the Binding's annotations and
    /// a true `PodScheduled` condition; a pod already assigned or being deleted is a conflict.
    func bindPod(_ request: Request, namespace: String, name: String, options: WriteOptions) async throws(APIError) -> Response {
        guard let pods = catalog.lookup(group: "", version: "v1", plural: "pods") else { throw APIError.pathNotFound() }
        let body = try await readBody(request)
        var binding = try BodyDecoder.decodeObject(body, mediaType: BodyDecoder.MediaType(request.headers[.contentType]))
        if binding["kind"] == nil { binding["kind"] = "Binding" }
        guard binding.string("kind") == "Binding" else {
            throw APIError.badRequest("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")
        }
        if let ns = binding.string("metadata", "namespace"), !ns.isEmpty, ns != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        guard binding.string("metadata", "name") == name else {
            throw APIError.badRequest("name in URL does not match name in Binding object")
        }
        let kind = binding.string("target", "kind") ?? ""
        let node = binding.string("target", "name") ?? ""
        var errors: [FieldError] = []
        if !kind.isEmpty && kind != "Node" {
            errors.append(FieldError(.notSupported, field: "target.kind", value: "\"\(kind)\"", detail: "supported values: \"Node\", \"<empty>\""))
        }
        if node.isEmpty { errors.append(.required("target.name")) }
        if !errors.isEmpty { throw APIError.invalid(pods, kind: "Binding", name, errors) }
        try await bind(pods, namespace: namespace, name: name, node: node, uid: binding.string("metadata", "uid"),
                       annotations: binding[path: ["metadata", "annotations"]]?.objectValue ?? JSONObject(), options: options)
        let status: JSON = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201]
        return APIResponse.json(.created, status)
    }

    /// Assigns pod `name` to `node` (what a Binding does): conflict if it is already assigned
    /// or being deleted, or (with `uid`) if it is another pod of that name.
    public func bind(_ pods: ResourceType, namespace: String, name: String, node: String, uid: String?,
                     annotations: JSONObject = JSONObject(), options: WriteOptions) async throws(APIError) {
        let now = Timestamp.now()
        _ = try await registry.guaranteedUpdate(pods, namespace: namespace, name: name, precondition: nil, options: options) { current throws(APIError) in
            let conflict = { (detail: String) in APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on pods/binding \"\(name)\": \(detail)",
                                                          name: name, group: "", kind: "pods/binding") }
            if let uid, !uid.isEmpty, current.string("metadata", "uid") != uid {
                throw conflict("Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.string("metadata", "uid") ?? "")")
            }
            if current[path: ["metadata", "deletionTimestamp"]].map({ !$0.isNull }) ?? false {
                throw conflict("pod \(name) is being deleted, cannot be assigned to a host")
            }
            if let assigned = current.string("spec", "nodeName"), !assigned.isEmpty {
                throw conflict("pod \(name) is already assigned to node \"\(assigned)\"")
            }
            if !(current[path: ["spec", "schedulingGates"]]?.arrayValue ?? []).isEmpty {
                throw conflict("pod \(name) has non-empty .spec.schedulingGates")
            }
            var pod = current
            pod[path: ["spec", "nodeName"]] = .string(node)
            for (k, v) in annotations { pod[path: ["metadata", "annotations", k]] = v }
            Conditions.set(&pod, type: "PodScheduled", status: "True", reason: nil, message: nil, now: now, probeTime: true)
            return pod
        }
    }
}
