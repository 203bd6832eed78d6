import PlinthAPIMachinery
import PlinthJSON

extension QuotaUsage {
    /// What admission needs of one ResourceQuota, read once from its JSON: name, `status.hard`,
    /// `status.used` and scopes. Deciding a batch of writes updates `used` in place and prints
    /// it back into the object only for the quotas that changed.
    public struct Quota: Sendable {
        public var name: String
        public var hard: [String: Quantity]
        public var used: [String: Quantity]
        var scopes: [ScopeRequirement]

        public init(_ quota: JSON) {
            name = quota.string("metadata", "name") ?? ""
            hard = QuotaUsage.resourceList(quota[path: ["status", "hard"]])
            used = QuotaUsage.resourceList(quota[path: ["status", "used"]])
            scopes = QuotaUsage.scopeSelectors(of: quota)
        }

        /// Upstream `Matches`: see `QuotaUsage.matches(quota:object:_:)`.
        func matches(_ object: JSON, _ r: ResourceType) -> Bool {
            guard hard.keys.contains(where: { QuotaUsage.isCharged($0, r) }) else { return false }
            return scopes.allSatisfy { QuotaUsage.podMatches(scope: $0, object, r) }
        }
    }
}
