import PlinthJSON

/// What the server needs to serve one version of a custom resource beyond its `ResourceType`:
/// the structural schema, the printer columns and the scale subresource's paths.
public struct CustomResourceVersion: Sendable, Equatable {
    public struct PrinterColumn: Sendable, Equatable {
        public var name: String
        public var type: String
        public var format: String
        public var description: String
        public var priority: Int
        public var jsonPath: String
    }

    public struct ScalePaths: Sendable, Equatable {
        public var specReplicasPath: String
        public var statusReplicasPath: String
        public var labelSelectorPath: String?
    }

    public var group: String
    public var version: String
    public var plural: String
    public var kind: String
    /// The name of the CustomResourceDefinition (`plural.group`).
    public var definitionName: String
    /// `openAPIV3Schema`, or nil when the version has none.
    public var schema: JSON?
    public var printerColumns: [PrinterColumn]
    public var scale: ScalePaths?
    public var deprecated: Bool
    public var deprecationWarning: String?
}
