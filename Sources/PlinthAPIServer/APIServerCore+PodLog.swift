import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import PlinthAPIMachinery
import PlinthJSON

extension APIServerCore {
    /// `GET pods/NAME/log`: checks the container as upstream's `LogLocation` and the kubelet do,
    /// then streams the host agent's `containerLogs` answer through (following, when asked, until
    /// the container stops or the client leaves).
    func podLog(_ r: ResourceType, namespace: String, name: String, query: QueryParameters) async throws(APIError) -> Response {
        let pod = try await registry.get(r, namespace: namespace, name: name).object
        let container = try Self.containerName(pod, asked: query["container"])
        for key in ["tailLines", "limitBytes", "sinceSeconds"] {
            if let v = query[key], Int64(v) == nil {
                throw APIError.badRequest("strconv.ParseInt: parsing \(String(reflecting: v)): invalid syntax")
            }
        }
        guard let nodeName = pod.string("spec", "nodeName"), !nodeName.isEmpty else {
            throw APIError.badRequest("pod \(name) does not have a host assigned")
        }
        try Self.checkLogAvailable(pod, container: container, previous: query.bool("previous"))
        let (address, port) = try await agentEndpoint(nodeName: nodeName)
        guard let agents else { throw APIError(code: 503, reason: "ServiceUnavailable", message: "the API server has no host agent credentials") }
        var forwarded: [String] = []
        for key in ["follow", "previous", "timestamps", "tailLines", "limitBytes", "sinceSeconds", "sinceTime"] {
            if let v = query[key] { forwarded.append("\(key)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)") }
        }
        let path = "/containerLogs/\(namespace)/\(name)/\(container)" + (forwarded.isEmpty ? "" : "?" + forwarded.joined(separator: "&"))
        let follow = query.bool("follow")
        let answer: HTTPClientResponse
        do {
            answer = try await agents.get(host: address, port: port, path, deadline: .now() + (follow ? .hours(24) : .seconds(60)))
        } catch {
            throw APIError(code: 500, reason: "InternalError",
                           message: "Get \"https://\(address):\(port)\(path)\": \(error)")
        }
        if answer.status.code != 200 {
            let code = Int(answer.status.code)
            var bytes: [UInt8] = []
            do {
                for try await chunk in answer.body { bytes += chunk.readableBytesView }
            } catch {}
            if let status = try? JSON.parse(bytes), let message = status.string("message") {
                throw APIError(code: Int(status["code"]?.intValue ?? Int64(code)), reason: status.string("reason") ?? "InternalError", message: message)
            }
            throw APIError(code: code, reason: "InternalError", message: String(decoding: bytes, as: UTF8.self))
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = "text/plain"
        headers[.cacheControl] = "no-cache, private"
        let stopping = self.stopping
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // The agent's chunks and the server's shutdown meet in one stream this task writes out.
            let (chunks, input) = AsyncStream.makeStream(of: ByteBuffer.self)
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await chunk in answer.body { input.yield(chunk) }
                    } catch {}
                    input.finish()
                }
                group.addTask {
                    await stopping.wait()
                    input.finish()
                }
                do {
                    for await chunk in chunks { try await writer.write(chunk) }
                } catch {}
                group.cancelAll()
            }
            try await writer.finish(nil)
        })
    }

    /// The container a `log`/`exec`/`attach` request is about: the one asked for, or the pod's
    /// only container (upstream's messages otherwise).
    static func containerName(_ pod: JSON, asked: String?) throws(APIError) -> String {
        let name = pod.string("metadata", "name") ?? ""
        let containers = (pod[path: ["spec", "containers"]]?.arrayValue ?? []).compactMap { $0.string("name") }
        let initContainers = (pod[path: ["spec", "initContainers"]]?.arrayValue ?? []).compactMap { $0.string("name") }
        if let asked, !asked.isEmpty {
            guard containers.contains(asked) || initContainers.contains(asked) else {
                throw APIError.badRequest("container \(asked) is not valid for pod \(name)")
            }
            return asked
        }
        if containers.count == 1 { return containers[0] }
        var message = "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]"
        if !initContainers.isEmpty { message += " or one of the init containers: [\(initContainers.joined(separator: " "))]" }
        throw APIError.badRequest(message)
    }

    /// Where the host agent of `nodeName` serves (its Node's InternalIP and kubelet port).
    func agentEndpoint(nodeName: String) async throws(APIError) -> (address: String, port: Int) {
        guard let nodes = catalog.lookup(group: "", version: "v1", plural: "nodes"),
              let node = try? await registry.get(nodes, namespace: nil, name: nodeName).object else {
            throw APIError(code: 404, reason: "NotFound", message: "nodes \"\(nodeName)\" not found")
        }
        let addresses = node[path: ["status", "addresses"]]?.arrayValue ?? []
        let address = (addresses.first { $0.string("type") == "InternalIP" } ?? addresses.first)?.string("address")
        let port = node[path: ["status", "daemonEndpoints", "kubeletEndpoint", "Port"]]?.intValue ?? 0
        guard let address, port > 0 else {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "the host agent of node \(nodeName) has no endpoint")
        }
        return (address, Int(port))
    }

    /// Upstream's refusals for a container with nothing to show (the kubelet's
    /// `validateContainerLogStatus`), read from the pod's status.
    static func checkLogAvailable(_ pod: JSON, container: String, previous: Bool) throws(APIError) {
        let name = pod.string("metadata", "name") ?? ""
        let statuses = (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []) + (pod[path: ["status", "initContainerStatuses"]]?.arrayValue ?? [])
        guard let status = statuses.first(where: { $0.string("name") == container }) else {
            if previous { throw APIError.badRequest("previous terminated container \"\(container)\" in pod \"\(name)\" not found") }
            throw APIError.badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: ContainerCreating")
        }
        let everRan = status[path: ["lastState", "terminated"]] != nil
        if previous {
            if !everRan { throw APIError.badRequest("previous terminated container \"\(container)\" in pod \"\(name)\" not found") }
            return
        }
        guard let reason = status.string("state", "waiting", "reason"), !everRan else { return }
        switch reason {
        case "ErrImagePull": throw APIError.badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: trying and failing to pull image")
        case "ImagePullBackOff", "ErrImageNeverPull": throw APIError.badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: image can't be pulled")
        default: throw APIError.badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: \(reason)")
        }
    }
}
