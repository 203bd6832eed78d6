/// `imagePullPolicy`, and what making an image present did.
public enum ImagePullPolicy: String, Sendable {
    case always = "Always"
    case ifNotPresent = "IfNotPresent"
    case never = "Never"
}

/// What `PodRuntime.ensureImage` did: pulled the image or found it present, and its size.
public struct ImagePullOutcome: Sendable, Equatable {
    public var pulled: Bool
    public var size: Int64
    public init(pulled: Bool, size: Int64) {
        self.pulled = pulled
        self.size = size
    }
}

/// Why an image is not there: a pull failed (`ErrImagePull`), or the policy forbids pulling a
/// missing one (`ErrImageNeverPull`).
public struct ImagePullError: Error, CustomStringConvertible, Sendable {
    public enum Reason: String, Sendable { case errImagePull = "ErrImagePull", errImageNeverPull = "ErrImageNeverPull" }
    public var reason: Reason
    public var description: String
    public init(_ reason: Reason, _ description: String) {
        self.reason = reason
        self.description = description
    }
}
