import PlinthAPIMachinery
import PlinthJSON
import Yams

/// Decodes request bodies (JSON or YAML) into JSON values with upstream error messages.
enum BodyDecoder {
    static let maxBodyBytes = 3 * 1024 * 1024

    enum MediaType {
        case json, yaml, jsonPatch, mergePatch, strategicMergePatch, applyPatch, protobuf, other(String)

        init(_ contentType: String?) {
            let base = (contentType ?? "application/json").split(separator: ";").first.map {
                $0.trimmingASCIIWhitespace().lowercased()
            } ?? "application/json"
            switch base {
            case "application/json", "", "*/*": self = .json
            case "application/yaml", "application/x-yaml", "text/yaml": self = .yaml
            case "application/json-patch+json": self = .jsonPatch
            case "application/merge-patch+json": self = .mergePatch
            case "application/strategic-merge-patch+json": self = .strategicMergePatch
            case "application/apply-patch+yaml", "application/apply-patch+json", "application/apply-patch+cbor": self = .applyPatch
            case "application/vnd.kubernetes.protobuf": self = .protobuf
            default: self = .other(base)
            }
        }
    }

    /// Decodes an object body for create/update.
    static func decodeObject(_ bytes: [UInt8], mediaType: MediaType) throws(APIError) -> JSON {
        switch mediaType {
        case .json:
            do {
                return try JSON.parse(bytes)
            } catch {
                throw APIError.badRequest("couldn't get version/kind; json parse error: \(error.message)")
            }
        case .yaml, .applyPatch:
            return try decodeYAMLOrJSON(bytes)
        case .protobuf:
            // kubectl's typed clients (create configmap, auth whoami, …) send protobuf.
            do {
                return try KubernetesProtobuf.decode(bytes)
            } catch {
                throw APIError.badRequest("failed to decode protobuf body: \(error.message)")
            }
        case .jsonPatch, .mergePatch, .strategicMergePatch, .other:
            throw APIError.unsupportedMediaType("")
        }
    }

    /// YAML is a superset of JSON; JSON input takes the fast path.
    static func decodeYAMLOrJSON(_ bytes: [UInt8]) throws(APIError) -> JSON {
        let firstNonSpace = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if firstNonSpace == UInt8(ascii: "{") || firstNonSpace == UInt8(ascii: "[") {
            do { return try JSON.parse(bytes) } catch {
                throw APIError.badRequest("error decoding YAML: yaml: \(error.message)")
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            guard let node = try Yams.compose(yaml: text) else { return .null }
            return try yamlToJSON(node)
        } catch let e as APIError {
            throw e
        } catch {
            throw APIError.badRequest("error converting YAML to JSON: yaml: \(yamlMessage(error))")
        }
    }

    static func yamlMessage(_ error: any Error) -> String {
        if let y = error as? YamlError {
            switch y {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
                return "line \(mark.line): \(problem)" + (context.map { " \($0.text)" } ?? "")
            default:
                return "\(y)"
            }
        }
        return "\(error)"
    }

    static func yamlToJSON(_ node: Node) throws(APIError) -> JSON {
        switch node {
        case .scalar(let s):
            if s.style == .plain {
                switch s.string {
                case "null", "Null", "NULL", "~", "": return .null
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                default:
                    if let i = Int64(s.string) { return .int(i) }
                    if let d = Double(s.string), s.string.first.map({ $0.isNumber || $0 == "-" || $0 == "." }) == true { return .double(d) }
                }
            }
            return .string(s.string)
        case .mapping(let m):
            var o = JSONObject()
            for (k, v) in m {
                guard case .scalar(let ks) = k else {
                    throw APIError.badRequest("error converting YAML to JSON: unsupported map key")
                }
                o[ks.string] = try yamlToJSON(v)
            }
            return .object(o)
        case .sequence(let seq):
            var out: [JSON] = []
            for n in seq { out.append(try yamlToJSON(n)) }
            return .array(out)
        case .alias:
            throw APIError.badRequest("error converting YAML to JSON: aliases are not supported")
        }
    }
}
