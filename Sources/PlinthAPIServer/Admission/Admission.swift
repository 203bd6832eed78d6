import PlinthAPIMachinery
import PlinthJSON
import PlinthStorage

/// What an admission plugin knows about the write it is asked about.
public struct AdmissionAttributes: Sendable {
    public enum Operation: String, Sendable { case create = "CREATE", update = "UPDATE" }
    public var operation: Operation
    public var resource: ResourceType
    public var subresource: String?
    public var namespace: String?
    public var name: String
    public var user: UserInfo?
    public var dryRun: Bool
}

/// An admission plugin, run by the registry inside the write path as upstream's chain runs:
/// `mutate` after defaulting and before validation (LimitRange defaults), `validate` after
/// validation and right before the store write (quota is charged there).
public protocol AdmissionPlugin: Sendable {
    func mutate(_ object: inout JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError)
    /// Refuses the write by throwing; may return writes it started (a quota charge) that the
    /// object's write must require: the object is stored only if they succeed.
    func validate(_ object: JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) -> [PendingWrite]
}

extension AdmissionPlugin {
    public func mutate(_ object: inout JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) {}
    public func validate(_ object: JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) -> [PendingWrite] { [] }
}

/// The plugins in order: every mutation first, then every validation.
public struct AdmissionChain: Sendable {
    public let plugins: [any AdmissionPlugin]
    public init(_ plugins: [any AdmissionPlugin]) { self.plugins = plugins }

    func mutate(_ object: inout JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) {
        for p in plugins { try await p.mutate(&object, old: old, a) }
    }

    func validate(_ object: JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) -> [PendingWrite] {
        var requiring: [PendingWrite] = []
        for p in plugins { requiring += try await p.validate(object, old: old, a) }
        return requiring
    }
}
