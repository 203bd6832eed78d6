/// Where one run of a container writes its output (a CRI-format log file) and how to tell that
/// the run has ended, so a follower knows when to stop.
public struct ContainerLogFile: Sendable, Equatable {
    public var path: String
    /// A file that exists once the run has ended.
    public var exitMarker: String

    public init(path: String, exitMarker: String) {
        self.path = path
        self.exitMarker = exitMarker
    }
}
