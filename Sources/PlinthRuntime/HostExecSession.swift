import CHost
import Foundation

/// An `ExecSession` that is a host process (`runc exec`) whose standard streams are pipes, or,
/// with a TTY, the slave side of a pseudoterminal whose master this session holds (runc, seeing
/// a terminal, gives the command one of its own and copies between the two; SIGWINCH makes it
/// take over a new size). Blocking reads and the wait run on their own threads, never on Swift's
/// cooperative pool; writes go through one serial queue so input keeps its order.
final class HostExecSession: ExecSession, @unchecked Sendable {
    let output: AsyncStream<ExecOutput>
    private let emit: AsyncStream<ExecOutput>.Continuation
    private let pid: pid_t
    private let tty: Bool
    /// The pseudoterminal's master with a TTY, else -1.
    private let terminal: Int32
    private let writes = DispatchQueue(label: "plinth.exec.input")
    private let lock = NSLock()
    // Guarded by `lock`.
    private var input: Int32 = -1
    private var openReaders = 0
    private var exit: Int32?
    private var exitWaiters: [CheckedContinuation<Int32, Never>] = []
    /// The tool's own log (runc's `--log`, JSON lines), read when it exits with 255: runc's
    /// code for "could not start the command".
    private let toolLog: String?

    init(path: String, arguments: [String], tty: Bool, stdin: Bool, toolLog: String?) throws {
        // A command that exits without reading all its input must not take this process down:
        // writes to its pipe then fail with EPIPE instead of raising SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        (output, emit) = AsyncStream.makeStream(of: ExecOutput.self)
        self.tty = tty
        self.toolLog = toolLog
        let spawned: pid_t
        if tty {
            var master: Int32 = -1, slave: Int32 = -1
            guard plinth_open_pty(&master, &slave) == 0 else { throw HostCommand.Failure(description: "pseudoterminal: \(String(cString: strerror(errno)))") }
            do {
                spawned = try HostCommand.spawn(path, arguments, stdin: slave, stdout: slave, stderr: slave)
            } catch {
                close(master)
                close(slave)
                throw error
            }
            close(slave)
            terminal = master
            input = master
            pid = spawned
            startReader(master, stream: 1)
        } else {
            // (read, write) pairs: stdin when asked for, stdout, stderr.
            var pipes: [[Int32]] = []
            for want in [stdin, true, true] {
                var fds: [Int32] = [-1, -1]
                if want {
                    guard pipe(&fds) == 0 else { throw HostCommand.Failure(description: "pipe: \(String(cString: strerror(errno)))") }
                    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                }
                pipes.append(fds)
            }
            do {
                spawned = try HostCommand.spawn(path, arguments, stdin: stdin ? pipes[0][0] : nil, stdout: pipes[1][1], stderr: pipes[2][1])
            } catch {
                for fds in pipes { for fd in fds where fd >= 0 { close(fd) } }
                throw error
            }
            if stdin { close(pipes[0][0]) }
            close(pipes[1][1])
            close(pipes[2][1])
            terminal = -1
            input = stdin ? pipes[0][1] : -1
            pid = spawned
            startReader(pipes[1][0], stream: 1)
            startReader(pipes[2][0], stream: 2)
        }
        let thread = Thread { [self] in
            let code = HostCommand.wait(spawned)
            lock.lock()
            exit = code
            let waiters = exitWaiters
            exitWaiters = []
            lock.unlock()
            for w in waiters { w.resume(returning: code) }
        }
        thread.start()
    }

    private func startReader(_ fd: Int32, stream: UInt8) {
        lock.lock()
        openReaders += 1
        lock.unlock()
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 32 << 10)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 { emit.yield(ExecOutput(stream: stream, bytes: Array(buffer[0..<n]))); continue }
                if n < 0 && errno == EINTR { continue }
                break  // EOF, or EIO once a terminal's last user closed it
            }
            lock.lock()
            if fd == terminal { input = -1 }
            openReaders -= 1
            let last = openReaders == 0
            lock.unlock()
            close(fd)
            if last { emit.finish() }
        }
        thread.start()
    }

    func write(_ bytes: [UInt8]) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            writes.async { [self] in
                HostCommand.writeAll(lock.withLock { input }, bytes)
                done.resume()
            }
        }
    }

    func closeInput() async {
        if tty {
            await write([0x04])
            return
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            writes.async { [self] in
                lock.lock()
                let fd = input
                input = -1
                lock.unlock()
                if fd >= 0 { close(fd) }
                done.resume()
            }
        }
    }

    func resize(columns: Int, rows: Int) async {
        // Under the lock: the reader closes the master (and clears `input`) once runc is gone.
        let running = lock.withLock {
            guard terminal >= 0, input >= 0, exit == nil else { return false }
            _ = plinth_set_window_size(terminal, UInt16(clamping: columns), UInt16(clamping: rows))
            return true
        }
        if running { kill(pid, SIGWINCH) }
    }

    func outcome() async -> ExecOutcome {
        let code = await withCheckedContinuation { continuation in
            lock.lock()
            if let exit {
                lock.unlock()
                continuation.resume(returning: exit)
                return
            }
            exitWaiters.append(continuation)
            lock.unlock()
        }
        if code == 255, let toolLog, let message = Self.lastError(inLog: toolLog) { return .failedToStart(message) }
        return .exited(code)
    }

    /// The message of the last `"level":"error"` line of a JSON-lines log.
    static func lastError(inLog path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").reversed().lazy.compactMap { line -> String? in
            guard let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  entry["level"] as? String == "error" else { return nil }
            return entry["msg"] as? String
        }.first
    }

    /// runc proxies the signal to the command.
    func terminate() async {
        let running = lock.withLock { exit == nil }
        if running { kill(pid, SIGTERM) }
        await closeInput()
    }

    deinit {
        if !tty && input >= 0 { close(input) }
        if let toolLog { unlink(toolLog) }
    }
}
