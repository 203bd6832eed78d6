import Foundation
import PlinthClient
import PlinthJSON
import PlinthRuntime

extension HostAgent {
    /// Makes the pod volumes container `c` mounts (`emptyDir`; `configMap`, `secret`,
    /// `downwardAPI` and `projected` rendered to files, as the kubelet's volume plugins write
    /// them) and returns its mounts. A missing ConfigMap or Secret that is not `optional` is an
    /// error naming it, as upstream's MountVolume.SetUp failure does.
    func prepareVolumes(for c: JSON, pod: JSON) async throws -> [VolumeMount] {
        guard let uid = pod.string("metadata", "uid") else { return [] }
        let volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
        var mounts: [VolumeMount] = []
        var made: Set<String> = []
        for m in c["volumeMounts"]?.arrayValue ?? [] {
            guard let name = m.string("name"), let path = m.string("mountPath") else { continue }
            guard let volume = volumes.first(where: { $0.string("name") == name }) else {
                throw ClientError("volume \(name) is not among the pod's volumes")
            }
            if made.insert(name).inserted {
                try await runtime.writeVolume(podUID: uid, name: name, try await contents(of: volume, pod: pod))
            }
            // As upstream, volumes rendered from API objects are always read-only.
            let rendered = volume["emptyDir"] == nil
            mounts.append(VolumeMount(volume: name, containerPath: path, readOnly: rendered || (m["readOnly"]?.boolValue ?? false),
                                      subPath: m.string("subPath")))
        }
        return mounts
    }

    func contents(of volume: JSON, pod: JSON) async throws -> VolumeContents {
        let name = volume.string("name") ?? ""
        if volume["emptyDir"] != nil { return .emptyDirectory }
        let defaultMode = { (source: JSON) in UInt16(truncatingIfNeeded: source["defaultMode"]?.intValue ?? 0o644) }
        if let source = volume["configMap"] ?? volume["secret"] {
            return .files(try await keyFiles(source, secret: volume["secret"] != nil, pod: pod) ?? [:], mode: defaultMode(source))
        }
        if let source = volume["downwardAPI"] {
            return .files(try downwardFiles(source, pod: pod, volume: name), mode: defaultMode(source))
        }
        if let source = volume["projected"] {
            var files: [String: [UInt8]] = [:]
            for s in source["sources"]?.arrayValue ?? [] {
                if let part = s["configMap"] ?? s["secret"] {
                    files.merge(try await keyFiles(part, secret: s["secret"] != nil, pod: pod) ?? [:]) { _, new in new }
                } else if let part = s["downwardAPI"] {
                    files.merge(try downwardFiles(part, pod: pod, volume: name)) { _, new in new }
                } else if let part = s["serviceAccountToken"] {
                    files[part.string("path") ?? "token"] = Array(try await serviceAccountToken(part, pod: pod).utf8)
                }
            }
            return .files(files, mode: defaultMode(source))
        }
        throw ClientError("volume \(name): only emptyDir, configMap, secret, downwardAPI and projected volumes are supported")
    }

    /// A ConfigMap's or Secret's keys as files (all keys, or `items` key → path); nil when an
    /// `optional` source is missing.
    func keyFiles(_ source: JSON, secret: Bool, pod: JSON) async throws -> [String: [UInt8]]? {
        let namespace = pod.string("metadata", "namespace") ?? ""
        let objectName = (secret ? source.string("secretName") : nil) ?? source.string("name") ?? ""
        let (code, object) = try await api.send(.GET, "/api/v1/namespaces/\(namespace)/\(secret ? "secrets" : "configmaps")/\(objectName)")
        guard code == 200 else {
            if source["optional"]?.boolValue == true { return nil }
            throw ClientError("\(secret ? "secret" : "configmap") \"\(objectName)\" not found")
        }
        var values: [String: [UInt8]] = [:]
        for (key, value) in object["data"]?.objectValue ?? [:] {
            guard let text = value.stringValue else { continue }
            values[key] = secret ? Array(Data(base64Encoded: text) ?? Data()) : Array(text.utf8)
        }
        for (key, value) in object["binaryData"]?.objectValue ?? [:] {
            if let text = value.stringValue, let data = Data(base64Encoded: text) { values[key] = Array(data) }
        }
        guard let items = source["items"]?.arrayValue else { return values }
        var files: [String: [UInt8]] = [:]
        for item in items {
            guard let key = item.string("key"), let path = item.string("path") else { continue }
            guard let value = values[key] else {
                if source["optional"]?.boolValue == true { continue }
                throw ClientError("configmap references non-existent config key: \(key)")
            }
            files[path] = value
        }
        return files
    }

    /// Downward API items: pod fields by `fieldRef` (resourceFieldRef is not offered yet).
    func downwardFiles(_ source: JSON, pod: JSON, volume: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for item in source["items"]?.arrayValue ?? [] {
            guard let path = item.string("path") else { continue }
            guard let field = item.string("fieldRef", "fieldPath"), let value = fieldValue(field, pod: pod) else {
                throw ClientError("volume \(volume): unsupported downward API item \(path)")
            }
            files[path] = Array(value.utf8)
        }
        return files
    }

    /// A token for the pod's ServiceAccount bound to the pod (the TokenRequest API).
    func serviceAccountToken(_ source: JSON, pod: JSON) async throws -> String {
        let namespace = pod.string("metadata", "namespace") ?? ""
        let account = pod.string("spec", "serviceAccountName") ?? "default"
        var spec: JSON = ["expirationSeconds": .int(source["expirationSeconds"]?.intValue ?? 3607),
                          "boundObjectRef": ["kind": "Pod", "apiVersion": "v1", "name": pod["metadata"]?["name"] ?? nil, "uid": pod["metadata"]?["uid"] ?? nil]]
        if let audience = source.string("audience") { spec["audiences"] = [.string(audience)] }
        let request: JSON = ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec]
        let (code, answer) = try await api.send(.POST, "/api/v1/namespaces/\(namespace)/serviceaccounts/\(account)/token", body: request.serialized())
        guard code == 201 || code == 200, let token = answer.string("status", "token") else {
            throw ClientError("service account token for \(namespace)/\(account): \(answer.string("message") ?? "HTTP \(code)")")
        }
        return token
    }
}
