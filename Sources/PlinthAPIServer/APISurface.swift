import PlinthAPIMachinery

/// Everything requests read that derives from the set of served resources: the catalog,
/// discovery documents, OpenAPI documents and the unknown-field pruner. Immutable; the server
/// swaps in a new one when custom resources come and go, so a request sees one consistent set.
final class APISurface: Sendable {
    let catalog: ResourceCatalog
    let discovery: DiscoveryDocuments
    let openAPI: OpenAPIDocuments
    let pruner: UnknownFieldPruner

    init(catalog: ResourceCatalog) {
        self.catalog = catalog
        self.discovery = DiscoveryDocuments(catalog: catalog)
        let schemas = GroupVersionSchemas(catalog: catalog)
        self.openAPI = OpenAPIDocuments(catalog: catalog, schemas: schemas)
        self.pruner = UnknownFieldPruner(catalog: catalog, schemas: schemas)
    }

    /// Field management for a request on `r` (its schema gives list and map semantics).
    func fieldManager(_ r: ResourceType, subresource: String?) -> FieldManager {
        let entry = pruner.schemas.entry(group: r.group, version: r.version)
        return FieldManager(shape: ObjectShape(components: entry.byName), root: entry.kinds[r.kind].flatMap { entry.byName[$0] },
                            apiVersion: r.apiVersion, subresource: subresource, statusIsSubresource: r.hasSubresource("status"),
                            now: Timestamp.now())
    }
}
