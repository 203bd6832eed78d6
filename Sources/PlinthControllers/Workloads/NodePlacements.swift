import Foundation
import PlinthAPIServer
import PlinthJSON

/// The labels, taints and schedulability each node last showed (what `DaemonSetPlan.fit` reads).
final class NodePlacements: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: String] = [:]

    /// Whether the change adds or removes a node, or alters what placement reads of it.
    func changed(_ change: ObjectChange) -> Bool {
        guard let object = change.object else { return false }
        let name = object.name
        if case .deleted = change.event {
            _ = lock.withLock { seen.removeValue(forKey: name) }
            return true
        }
        let node = object.object
        let fields: JSON = ["labels": node[path: ["metadata", "labels"]] ?? .null, "taints": node[path: ["spec", "taints"]] ?? .null,
                            "unschedulable": node[path: ["spec", "unschedulable"]] ?? .null]
        let fingerprint = fields.serializedString()
        return lock.withLock {
            defer { seen[name] = fingerprint }
            return seen[name] != fingerprint
        }
    }
}
