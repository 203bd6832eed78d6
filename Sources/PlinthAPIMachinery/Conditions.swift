import PlinthJSON

/// `status.conditions` as controllers keep them: one entry per type, `lastTransitionTime`
/// changing only when the status flips.
public enum Conditions {
    public static func set(_ object: inout JSON, type: String, status: String, reason: String, message: String, now: String) {
        var conditions = object[path: ["status", "conditions"]]?.arrayValue ?? []
        var c: JSON = ["type": .string(type), "status": .string(status), "lastTransitionTime": .string(now),
                       "reason": .string(reason), "message": .string(message)]
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
