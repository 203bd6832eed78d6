import PlinthJSON

/// `status.conditions` as controllers keep them: one entry per type, `lastTransitionTime`
/// changing only when the status flips.
public enum Conditions {
    /// Sets the condition of `type`. A nil reason or message is left out; `probeTime` adds the
    /// `lastProbeTime: null` pod conditions carry.
    public static func set(_ object: inout JSON, type: String, status: String, reason: String?, message: String?, now: String,
                           probeTime: Bool = false) {
        var conditions = object[path: ["status", "conditions"]]?.arrayValue ?? []
        var c: JSON = ["type": .string(type), "status": .string(status)]
        if probeTime { c["lastProbeTime"] = JSON.null }
        c["lastTransitionTime"] = .string(now)
        if let reason { c["reason"] = .string(reason) }
        if let message { c["message"] = .string(message) }
        if let index = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) {
            if conditions[index]["status"]?.stringValue == status, let t = conditions[index]["lastTransitionTime"] {
                c["lastTransitionTime"] = t
            }
            conditions[index] = c
        } else {
            conditions.append(c)
        }
        object[path: ["status", "conditions"]] = .array(conditions)
    }

    /// The status (`True`, `False`, …) of the condition of `type`, if there is one.
    public static func status(_ object: JSON, _ type: String) -> String? {
        object[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }
}
