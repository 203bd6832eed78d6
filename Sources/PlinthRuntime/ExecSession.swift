/// What `kubectl exec` asks of a runtime (CRI's streaming `Exec`): the command and how its
/// standard streams are attached.
public struct ExecRequest: Sendable, Equatable {
    public var command: [String]
    /// Run the command on a terminal: its output arrives as stdout only, and `resize` applies.
    public var tty: Bool
    /// The caller sends input; without it the command reads from /dev/null.
    public var stdin: Bool

    public init(command: [String], tty: Bool = false, stdin: Bool = false) {
        self.command = command
        self.tty = tty
        self.stdin = stdin
    }
}

/// A chunk the command wrote: `stream` 1 is stdout, 2 stderr (the channel numbers of the
/// remote-command protocol).
public struct ExecOutput: Sendable, Equatable {
    public var stream: UInt8
    public var bytes: [UInt8]

    public init(stream: UInt8, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }
}

/// A command running in a container with its streams attached. `output` ends once the command
/// and everything it started have closed their output; `outcome()` then tells how it ended.
public protocol ExecSession: Sendable {
    var output: AsyncStream<ExecOutput> { get }
    /// Sends bytes to the command's stdin (or terminal); waits until they are written.
    func write(_ bytes: [UInt8]) async
    /// Ends the command's input (EOF; on a terminal, end-of-transmission).
    func closeInput() async
    func resize(columns: Int, rows: Int) async
    /// How the command ended; waits for its end.
    func outcome() async -> ExecOutcome
    /// The caller has gone: ends the command (SIGTERM to it).
    func terminate() async
}

/// How an exec'd command ended.
public enum ExecOutcome: Sendable, Equatable {
    /// It ran and exited with this code (128 + signal when a signal ended it).
    case exited(Int32)
    /// The runtime could not start it (no such executable, container gone); why, in the runtime's words.
    case failedToStart(String)
}
