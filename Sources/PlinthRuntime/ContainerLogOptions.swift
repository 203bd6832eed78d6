/// What part of a container's log to return (the query of `pods/log` and the kubelet's
/// `containerLogs`): only what came after `since` (Unix seconds), only the last `tailLines`
/// lines, at most `limitBytes`, each line prefixed with its RFC 3339 timestamp, and whether to
/// keep following until the container stops.
public struct ContainerLogOptions: Sendable, Equatable {
    public var follow = false
    public var previous = false
    public var timestamps = false
    public var tailLines: Int?
    public var limitBytes: Int?
    public var since: Double?

    public init(follow: Bool = false, previous: Bool = false, timestamps: Bool = false, tailLines: Int? = nil,
                limitBytes: Int? = nil, since: Double? = nil) {
        self.follow = follow
        self.previous = previous
        self.timestamps = timestamps
        self.tailLines = tailLines
        self.limitBytes = limitBytes
        self.since = since
    }
}
