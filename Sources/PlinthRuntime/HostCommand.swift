import CHost
import Foundation

/// Runs a host tool (runc, unshare, ip) to completion and returns its exit status and output;
/// a runtime's only way of touching the host besides files and mounts. The waiting happens on a
/// Dispatch thread: a blocked wait on Swift's cooperative pool (two threads on a two-core host)
/// would stall every task of the agent.
enum HostCommand {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    @discardableResult
    static func run(_ path: String, _ arguments: [String], input: String? = nil, allowFailure: Bool = false,
                    captureOutput: Bool = true) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try runBlocking(path, arguments, input: input, allowFailure: allowFailure, captureOutput: captureOutput)
                })
            }
        }
    }

    /// `run` for callers that are not on the cooperative pool (the container shim). Without
    /// `captureOutput` the tool's output is discarded: a tool that leaves a process behind
    /// (`setsid -f`) would otherwise hold the output pipe open, and reading it would never end.
    /// `input` is the tool's standard input (`ip -batch -`, `nft -f -`), written whole before
    /// its output is read: for scripts, not for streams.
    @discardableResult
    static func runBlocking(_ path: String, _ arguments: [String], input: String? = nil, allowFailure: Bool = false,
                            captureOutput: Bool = true) throws -> (status: Int32, output: String) {
        // posix_spawn and waitpid directly: Foundation's Process missed the exit of `setsid -f`
        // here and waited forever.
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var inputFDs: [Int32] = [-1, -1]
        if input != nil {
            guard pipe(&inputFDs) == 0 else {
                for fd in fds { close(fd) }
                throw Failure(description: "pipe: \(String(cString: strerror(errno)))")
            }
            for fd in inputFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        let pid: pid_t
        do {
            pid = try spawn(path, arguments, stdin: input == nil ? nil : inputFDs[0], stdout: captureOutput ? fds[1] : nil,
                            stderr: captureOutput ? fds[1] : nil)
        } catch {
            for fd in fds + inputFDs where fd >= 0 { close(fd) }
            throw error
        }
        close(fds[1])
        if let input {
            signal(SIGPIPE, SIG_IGN)  // a tool that exits without reading all of it is an error, not the end of the agent
            close(inputFDs[0])
            writeAll(inputFDs[1], Array(input.utf8))
            close(inputFDs[1])
        }
        defer { close(fds[0]) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n > 0 { data += buffer[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        let code = wait(pid)
        let output = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if code != 0 && !allowFailure {
            throw Failure(description: "\((path as NSString).lastPathComponent) \(arguments.joined(separator: " ")): \(output.isEmpty ? "exit status \(code)" : output)")
        }
        return (code, output)
    }

    /// Starts `path` with the given descriptors as its standard streams (nil: /dev/null) and
    /// nothing else inherited; returns its pid, for `wait`.
    static func spawn(_ path: String, _ arguments: [String], stdin: Int32?, stdout: Int32?, stderr: Int32?) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, fd, flags) in [(Int32(0), stdin, O_RDONLY), (1, stdout, O_WRONLY), (2, stderr, O_WRONLY)] {
            if let fd { posix_spawn_file_actions_adddup2(&actions, fd, target) }
            else { posix_spawn_file_actions_addopen(&actions, target, "/dev/null", flags, 0) }
        }
        // Nothing else the parent holds open (the API server's or the agent's listening sockets,
        // connections, files) may live on in the tool or in what it leaves running.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "\(path): \(String(cString: strerror(spawned)))") }
        return pid
    }

    /// Writes all of `bytes` to `fd` (nothing when it is -1), retrying interrupted and short
    /// writes; stops at the first error (the reader has gone).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while fd >= 0 && offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
        }
    }

    /// Blocks until `pid` ends; its exit code, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The first of `candidates` that exists and is executable.
    static func find(_ name: String, in candidates: [String] = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]) -> String? {
        candidates.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
