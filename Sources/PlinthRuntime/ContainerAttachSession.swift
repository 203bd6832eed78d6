import Foundation

/// An `ExecSession` attached to a running container (CRI's Attach): its output as its shim
/// writes it to the log from now on, split back into stdout and stderr, and, when the container
/// takes input, a connection to its shim's stdin socket. The log is followed on a thread of its
/// own; output ends when the run ends. Leaving detaches: the container keeps running.
final class ContainerAttachSession: ExecSession, @unchecked Sendable {
    let output: AsyncStream<ExecOutput>
    private let emit: AsyncStream<ExecOutput>.Continuation
    private let writes = DispatchQueue(label: "plinth.attach.input")
    private let lock = NSLock()
    // Guarded by `lock`.
    private var input: Int32 = -1
    private var detached = false
    private var ended = false
    private var endWaiters: [CheckedContinuation<Void, Never>] = []

    init(log: ContainerLogFile, stdinSocket: String?) throws {
        signal(SIGPIPE, SIG_IGN)
        let fd = open(log.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RuncRuntimeError("log file \(log.path) not found") }
        lseek(fd, 0, SEEK_END)
        (output, emit) = AsyncStream.makeStream(of: ExecOutput.self)
        if let stdinSocket {
            do {
                input = try UnixSocket.connect(to: stdinSocket)
            } catch {
                close(fd)
                throw RuncRuntimeError("the container's stdin is closed (\(error))")
            }
        }
        Thread { [self] in follow(fd, exitMarker: log.exitMarker) }.start()
    }

    /// Reads the log as it grows and emits each entry's bytes on its stream (a full line with its
    /// newline, a partial one without), until the run has ended and its log is read, or the
    /// client detaches.
    private func follow(_ fd: Int32, exitMarker: String) {
        var carry: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !lock.withLock({ detached }) {
            let runEnded = FileManager.default.fileExists(atPath: exitMarker)
            var readAny = false
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 { carry += buffer[0..<n]; readAny = true; continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
            var start = 0
            while let newline = carry[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if let chunk = Self.entry(carry[start..<newline]) { emit.yield(chunk) }
                start = newline + 1
            }
            carry.removeFirst(start)
            // The exit marker was there before this read: nothing more will come.
            if runEnded { break }
            if !readAny { usleep(50_000) }
        }
        close(fd)
        emit.finish()
        let waiters = lock.withLock {
            ended = true
            defer { endWaiters = [] }
            return endWaiters
        }
        for w in waiters { w.resume() }
    }

    /// One CRI log line (`<time> <stream> <F|P> <content>`) as output on its stream.
    static func entry(_ line: ArraySlice<UInt8>) -> ExecOutput? {
        let space = UInt8(ascii: " ")
        guard let a = line.firstIndex(of: space), let b = line[(a + 1)...].firstIndex(of: space) else { return nil }
        let stream = line[(a + 1)..<b]
        let tag = line[(b + 1)...].first
        guard tag == UInt8(ascii: "F") || tag == UInt8(ascii: "P") else { return nil }
        let contentStart = min(b + 3, line.endIndex)
        var bytes = Array(line[contentStart...])
        if tag == UInt8(ascii: "F") { bytes.append(UInt8(ascii: "\n")) }
        return ExecOutput(stream: stream.elementsEqual("stderr".utf8) ? 2 : 1, bytes: bytes)
    }

    func write(_ bytes: [UInt8]) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            writes.async { [self] in
                HostCommand.writeAll(lock.withLock { input }, bytes)
                done.resume()
            }
        }
    }

    /// The client's EOF: the shim closes the container's stdin if it is `stdinOnce`.
    func closeInput() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            writes.async { [self] in
                let fd = lock.withLock {
                    defer { input = -1 }
                    return input
                }
                if fd >= 0 { close(fd) }
                done.resume()
            }
        }
    }

    /// The container's terminal is not the client's: nothing to resize.
    func resize(columns: Int, rows: Int) async {}

    /// Attach reports success once the container's output has ended, as the kubelet does.
    func outcome() async -> ExecOutcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = lock.withLock {
                if !ended { endWaiters.append(continuation) }
                return ended
            }
            if done { continuation.resume() }
        }
        return .exited(0)
    }

    /// The client left: stop following and drop the input connection.
    func terminate() async {
        lock.withLock { detached = true }
        await closeInput()
    }
}
