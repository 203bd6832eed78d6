import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage

/// ResourceQuota admission: charges each write against the namespace's quotas by updating their
/// `status.used` with optimistic concurrency, refusing it with upstream's messages when a quota
/// would be exceeded. The object's write requires the charge: both land in one commit, and if
/// the charge loses a race the object is not written and admission decides again. Writes to one
/// namespace are charged in batches (one status write per quota per batch), so concurrent
/// creates neither overrun a quota nor serialize on one conflict-retry loop each. Namespaces
/// without quotas cost one cache lookup.
public struct ResourceQuotaAdmission: AdmissionPlugin {
    let registry: ObjectRegistry
    let accountant: QuotaAccountant

    public init(registry: ObjectRegistry) {
        self.registry = registry
        self.accountant = QuotaAccountant(registry: registry)
    }

    public func validate(_ object: JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) -> [PendingWrite] {
        guard let namespace = a.namespace,
              QuotaUsage.handles(a.resource, operation: a.operation, subresource: a.subresource, object: object, old: old),
              let quotas = registry.catalog.lookup(group: "", version: "v1", plural: "resourcequotas"),
              let cache = try? registry.cache(quotas) else { return [] }
        await cache.waitUntilReady()
        guard !cache.list(prefix: quotas.keyPrefix(namespace: namespace), startKey: nil, limit: 1, filter: .everything).items.isEmpty else { return [] }
        return try await accountant.charge(QuotaAccountant.Request(resource: a.resource, subresource: a.subresource, namespace: namespace,
                                                                   name: a.name, object: object, old: old, dryRun: a.dryRun))
    }
}
