import Foundation
import PlinthAPIMachinery

/// The process that stays with one running container (conmon's role): it runs `runc run` in
/// the foreground, writes the container's stdout and stderr to its log file in the CRI format
/// (`<RFC3339Nano> stdout F <line>`, `P` for a line split at 16 KiB), and when the container
/// ends records its exit code in `exit` (as `<code> <finished unix nanos>`). It runs in its own
/// session, so agent restarts leave containers running; the agent reads these files. A container
/// with `stdin` reads what clients send to the shim's stdin socket (`kubectl attach -i`).
public struct ContainerShim {
    public var runc: String
    public var runcRoot: String
    public var bundle: String
    public var id: String
    public var logPath: String
    /// For a container with `stdin: true`: the unix socket its input comes through (see `ShimStdin`).
    public var stdinSocket: String?
    /// `stdinOnce`: the container's stdin closes when the first attached client leaves.
    public var stdinOnce: Bool

    public init(runc: String, runcRoot: String, bundle: String, id: String, logPath: String, stdinSocket: String? = nil, stdinOnce: Bool = false) {
        self.runc = runc
        self.runcRoot = runcRoot
        self.bundle = bundle
        self.id = id
        self.logPath = logPath
        self.stdinSocket = stdinSocket
        self.stdinOnce = stdinOnce
    }

    /// Runs the container to its end; returns its exit code.
    public func run() throws -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        try FileManager.default.createDirectory(atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard log >= 0 else { throw HostCommand.Failure(description: "cannot open \(logPath)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: runc)
        process.arguments = ["--root", runcRoot, "run", "--bundle", bundle, id]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var stdin = try stdinSocket.map { try ShimStdin(socketPath: $0, once: stdinOnce) }
        defer { stdin?.shutDown() }
        process.standardInput = stdin.map { FileHandle(fileDescriptor: $0.containerEnd, closeOnDealloc: false) } ?? FileHandle.nullDevice
        try process.run()
        // The container holds the pipe's read end now; it sees EOF once the write end closes.
        if let stdin { close(stdin.containerEnd) }
        try? "\(Self.nanos())".write(toFile: bundle + "/started", atomically: true, encoding: .utf8)
        var streams = [(fd: out.fileHandleForReading.fileDescriptor, name: "stdout", pending: [UInt8]()),
                       (fd: err.fileHandleForReading.fileDescriptor, name: "stderr", pending: [UInt8]())]
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !streams.isEmpty {
            var fds = streams.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) } + (stdin?.pollRequests() ?? [])
            if poll(&fds, nfds_t(fds.count), -1) < 0 { if errno == EINTR { continue } else { break } }
            stdin?.handle(Array(fds[streams.count...]))
            var closed: [Int] = []
            for (i, p) in fds.prefix(streams.count).enumerated() where p.revents != 0 {
                let n = read(p.fd, &buffer, buffer.count)
                if n <= 0 { closed.append(i); continue }
                streams[i].pending.append(contentsOf: buffer[0..<n])
                Self.writeLines(&streams[i].pending, stream: streams[i].name, to: log, flush: false)
            }
            for i in closed.reversed() {
                Self.writeLines(&streams[i].pending, stream: streams[i].name, to: log, flush: true)
                streams.remove(at: i)
            }
        }
        process.waitUntilExit()
        close(log)
        let code = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        _ = try? HostCommand.runBlocking(runc, ["--root", runcRoot, "delete", "--force", id], allowFailure: true)
        try "\(code) \(Self.nanos())".write(toFile: bundle + "/exit", atomically: true, encoding: .utf8)
        return code
    }

    /// Writes the complete lines of `pending` (all of it when `flush`) as CRI log lines.
    static func writeLines(_ pending: inout [UInt8], stream: String, to fd: Int32, flush: Bool) {
        var out: [UInt8] = []
        var start = 0
        let limit = 16 << 10
        while start < pending.count {
            let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end: Int, full: Bool
            if let newline, newline - start <= limit { end = newline; full = true }
            else if pending.count - start >= limit { end = start + limit; full = false }
            else if flush { end = pending.count; full = true }
            else { break }
            out += Array("\(timestamp()) \(stream) \(full ? "F" : "P") ".utf8) + pending[start..<end] + [UInt8(ascii: "\n")]
            start = end + (end < pending.count && pending[end] == UInt8(ascii: "\n") ? 1 : 0)
        }
        pending.removeFirst(start)
        if !out.isEmpty { out.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) } }
    }

    static func nanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func timestamp() -> String {
        let n = nanos()
        return RFC3339.format(seconds: n / 1_000_000_000, nanos: Int32(n % 1_000_000_000), fractionDigits: 9)
    }
}
