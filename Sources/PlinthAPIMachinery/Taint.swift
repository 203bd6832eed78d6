import PlinthJSON

/// A node taint (`spec.taints[]`), and upstream's rule for whether a pod's toleration matches it.
public struct Taint: Sendable, Equatable {
    public var key: String
    public var value: String
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String
    /// RFC 3339; set on `NoExecute` taints (when the eviction clock started).
    public var timeAdded: String?

    public static let effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]

    public init(key: String, value: String = "", effect: String, timeAdded: String? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }

    public init(json: JSON) {
        self.init(key: json.string("key") ?? "", value: json.string("value") ?? "", effect: json.string("effect") ?? "",
                  timeAdded: json.string("timeAdded"))
    }

    /// Parses the kubelet's `--register-with-taints` form `key[=value]:Effect`; nil when malformed.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let effect = String(text[text.index(after: colon)...])
        guard Self.effects.contains(effect) else { return nil }
        let pair = text[..<colon].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let key = pair.first, !key.isEmpty else { return nil }
        self.init(key: String(key), value: pair.count > 1 ? String(pair[1]) : "", effect: effect)
    }

    /// The taints of a Node object.
    public static func of(node: JSON) -> [Taint] {
        (node[path: ["spec", "taints"]]?.arrayValue ?? []).map(Taint.init(json:))
    }

    public var json: JSON {
        var o: JSON = ["key": .string(key)]
        if !value.isEmpty { o["value"] = .string(value) }
        o["effect"] = .string(effect)
        if let timeAdded { o["timeAdded"] = .string(timeAdded) }
        return o
    }

    /// Upstream `ToleratesTaint`: an empty effect matches every effect; an empty key with
    /// `Exists` matches every key; `Exists` matches any value, `Equal` (the default) one value.
    public func isTolerated(by toleration: JSON) -> Bool {
        let tolerationEffect = toleration.string("effect") ?? ""
        if !tolerationEffect.isEmpty && tolerationEffect != effect { return false }
        let tolerationKey = toleration.string("key") ?? ""
        if !tolerationKey.isEmpty && tolerationKey != key { return false }
        switch toleration.string("operator") ?? "Equal" {
        case "Exists": return true
        case "Equal", "": return (toleration.string("value") ?? "") == value
        default: return false
        }
    }
}
