/// A body that is not a well-formed Kubernetes protobuf message, or an object that cannot be
/// encoded as one.
public struct ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
