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
}
