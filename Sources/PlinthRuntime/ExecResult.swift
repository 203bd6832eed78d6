/// What a command run in a container returned (CRI's ExecSync): its exit code and combined output.
public struct ExecResult: Sendable, Equatable {
    public var exitCode: Int32
    public var output: String
    /// The command did not finish within its timeout and was killed.
    public var timedOut: Bool

    public init(exitCode: Int32, output: String, timedOut: Bool = false) {
        self.exitCode = exitCode
        self.output = output
        self.timedOut = timedOut
    }
}
