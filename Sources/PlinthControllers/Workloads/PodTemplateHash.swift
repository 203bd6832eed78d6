import PlinthJSON

/// The `pod-template-hash` label a Deployment gives each ReplicaSet it makes: a 32-bit FNV-1a
/// hash of the pod template (and the collision count, when there was a collision), spelled with
/// upstream's `SafeEncodeString` alphabet so it never forms words and is a valid label value.
/// The hash is of the template's canonical JSON (keys sorted), so it does not depend on the order
/// fields were written in; its value differs from upstream's, which hashes Go's printing.
public enum PodTemplateHash {
    public static let label = "pod-template-hash"
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789".utf8)

    public static func of(_ template: JSON, collisionCount: Int64?) -> String {
        var hash: UInt32 = 2_166_136_261
        func feed(_ bytes: some Sequence<UInt8>) {
            for b in bytes { hash = (hash ^ UInt32(b)) &* 16_777_619 }
        }
        feed(canonical(withoutNulls(template)).utf8)
        if let c = collisionCount { feed(String(c).utf8) }
        return String(decoding: String(hash).utf8.map { alphabet[Int($0) % alphabet.count] }, as: UTF8.self)
    }

    static func canonical(_ value: JSON) -> String {
        switch value {
        case .object(let o):
            let fields = o.map { (key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
            return "{" + fields.map { JSON.string($0.key).serializedString() + ":" + canonical($0.value) }.joined(separator: ",") + "}"
        case .array(let a):
            return "[" + a.map(canonical).joined(separator: ",") + "]"
        default:
            return value.serializedString()
        }
    }

    /// `template` as a Deployment compares it with its ReplicaSets' (upstream `EqualIgnoreHash`):
    /// without the hash label, and without null fields, which Go decodes as absent (kubectl's
    /// `rollout undo` sends `creationTimestamp: null` where `create` sent nothing).
    public static func comparable(_ template: JSON) -> JSON {
        var t = withoutNulls(template)
        if t[path: ["metadata", "labels", label]] != nil {
            var labels = t[path: ["metadata", "labels"]]?.objectValue ?? JSONObject()
            labels[label] = nil
            t[path: ["metadata", "labels"]] = .object(labels)
        }
        return t
    }

    static func withoutNulls(_ value: JSON) -> JSON {
        switch value {
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o where !v.isNull { out[k] = withoutNulls(v) }
            return .object(out)
        case .array(let a):
            return .array(a.map(withoutNulls))
        default:
            return value
        }
    }
}
