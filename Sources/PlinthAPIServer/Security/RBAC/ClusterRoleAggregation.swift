import PlinthAPIMachinery
import PlinthJSON

/// What upstream's clusterrole-aggregation controller computes: the rules of a ClusterRole with
/// an `aggregationRule` are the rules of every ClusterRole its selectors match, in name order,
/// each rule once.
public enum ClusterRoleAggregation {
    /// The rules `role` should carry, or nil when it has no aggregation rule.
    public static func rules(for role: JSON, among clusterRoles: [JSON]) -> [JSON]? {
        guard let selectors = role[path: ["aggregationRule", "clusterRoleSelectors"]]?.arrayValue else { return nil }
        let parsed = selectors.compactMap { try? LabelSelector(json: $0) }
        let me = role.string("metadata", "name")
        var out: [JSON] = []
        let sorted = clusterRoles.sorted { ($0.string("metadata", "name") ?? "") < ($1.string("metadata", "name") ?? "") }
        for other in sorted where other.string("metadata", "name") != me {
            var labels: [String: String] = [:]
            for (k, v) in other[path: ["metadata", "labels"]]?.objectValue ?? JSONObject() { labels[k] = v.stringValue }
            guard parsed.contains(where: { !$0.isEverything && $0.matches(labels) }) else { continue }
            for rule in other["rules"]?.arrayValue ?? [] where !out.contains(rule) { out.append(rule) }
        }
        return out
    }
}
