import PlinthAPIServer

extension CachedObject {
    /// `namespace/name`, the key reconcilers of namespaced kinds queue; nil for cluster-scoped objects.
    var namespacedKey: String? { namespace.map { $0 + "/" + name } }
}
