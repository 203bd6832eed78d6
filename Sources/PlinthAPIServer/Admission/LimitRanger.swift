import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage

/// LimitRange admission: fills default container requests and limits (mutate), then refuses pods
/// and claims outside the namespace's min/max/ratio (validate), with upstream's messages.
public struct LimitRanger: AdmissionPlugin {
    let registry: ObjectRegistry
    public init(registry: ObjectRegistry) { self.registry = registry }

    func limitRanges(_ namespace: String?) async -> [JSON] {
        guard let namespace, let r = registry.catalog.lookup(group: "", version: "v1", plural: "limitranges"),
              let cache = try? registry.cache(r) else { return [] }
        await cache.waitUntilReady()
        return cache.objects(namespace: namespace).map(\.object)
    }

    public func mutate(_ object: inout JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) {
        guard a.resource.group.isEmpty, a.resource.plural == "pods",
              LimitRangeRules.handles(a.resource, operation: a.operation, subresource: a.subresource, old: old) else { return }
        let ranges = await limitRanges(a.namespace)
        if !ranges.isEmpty { LimitRangeRules.applyDefaults(to: &object, limitRanges: ranges) }
    }

    public func validate(_ object: JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) -> [PendingWrite] {
        guard a.resource.group.isEmpty, ["pods", "persistentvolumeclaims"].contains(a.resource.plural),
              LimitRangeRules.handles(a.resource, operation: a.operation, subresource: a.subresource, old: old) else { return [] }
        let ranges = await limitRanges(a.namespace)
        guard !ranges.isEmpty else { return [] }
        let v = a.resource.plural == "pods" ? LimitRangeRules.violations(pod: object, limitRanges: ranges)
                                            : LimitRangeRules.violations(claim: object, limitRanges: ranges)
        if !v.isEmpty { throw QuotaUsage.forbidden(a.resource, name: a.name, LimitRangeRules.message(v)) }
        return []
    }
}
