/// Why an image could not be resolved, fetched, verified or unpacked; the text is what a user
/// sees in `plinth image` output and in a pod's `ErrImagePull` message.
public struct ImageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
