import PlinthJSON

/// A core/v1 Event about an object in the shape upstream's recorders write (the `source`,
/// `firstTimestamp`/`lastTimestamp`/`count` fields kubectl shows, plus `reportingComponent`),
/// for the controllers and agents that record what they did.
public enum EventObject {
    /// An Event about `object` (its namespace, name and uid are read from it; `apiVersion` is
    /// its kind's). Without `name` the server generates one from the object's name.
    public static func about(_ object: JSON, kind: String, apiVersion: String = "v1", reason: String, message: String, type: String = "Normal",
                             component: String, host: String? = nil, instance: String? = nil, fieldPath: String? = nil,
                             resourceVersion: String? = nil, name: String? = nil, now: String) -> JSON {
        let namespace = object.string("metadata", "namespace") ?? "default"
        let objectName = object.string("metadata", "name") ?? ""
        var involved: JSON = ["kind": .string(kind), "namespace": .string(namespace), "name": .string(objectName),
                              "uid": object["metadata"]?["uid"] ?? nil, "apiVersion": .string(apiVersion)]
        if let resourceVersion { involved["resourceVersion"] = .string(resourceVersion) }
        if let fieldPath { involved["fieldPath"] = .string(fieldPath) }
        var source: JSON = ["component": .string(component)]
        if let host { source["host"] = .string(host) }
        var event: JSON = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": name.map { ["name": .string($0), "namespace": .string(namespace)] }
                ?? ["generateName": .string(objectName + "."), "namespace": .string(namespace)],
            "involvedObject": involved, "reason": .string(reason), "message": .string(message), "type": .string(type),
            "source": source, "reportingComponent": .string(component),
        ]
        if let instance { event["reportingInstance"] = .string(instance) }
        event["firstTimestamp"] = .string(now)
        event["lastTimestamp"] = .string(now)
        event["count"] = 1
        return event
    }
}
