/// A container as its runtime sees it. Times are Unix seconds.
public struct RuntimeContainerStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case created
        case running(startedAt: Int64)
        case exited(code: Int32, reason: String, startedAt: Int64, finishedAt: Int64)
    }

    /// `<handler>://<id>`, as `containerStatuses[].containerID` shows it.
    public var id: String
    public var name: String
    public var image: String
    public var imageID: String
    public var attempt: Int
    public var state: State
    /// How the previous attempt ended (`lastState.terminated`), when there was one.
    public var previous: State?

    public init(id: String, name: String, image: String, imageID: String, attempt: Int, state: State, previous: State? = nil) {
        self.previous = previous
        self.id = id
        self.name = name
        self.image = image
        self.imageID = imageID
        self.attempt = attempt
        self.state = state
    }
}
