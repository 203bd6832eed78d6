import Foundation

/// The standard input of a container started with `stdin: true`, held by its shim: a pipe into
/// the container fed by whoever connects to a unix socket (`kubectl attach -i`, through the
/// agent). With `once` (the pod's `stdinOnce`) the pipe closes, so the container reads EOF, when
/// the first client leaves. Writes into the pipe never block the shim: input waits in `pending`
/// (and clients are not read) until the container takes it.
struct ShimStdin {
    /// The pipe's read end, for runc to hand the container; the shim closes its copy once runc runs.
    let containerEnd: Int32
    let socketPath: String
    private let once: Bool
    private var listener: Int32
    private var writeEnd: Int32
    private var clients: [Int32] = []
    private var pending: [UInt8] = []
    private var closing = false

    init(socketPath: String, once: Bool) throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw HostCommand.Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        containerEnd = fds[0]
        writeEnd = fds[1]
        self.once = once
        self.socketPath = socketPath
        listener = try UnixSocket.listen(at: socketPath)
    }

    /// What to wait for: new clients, input from clients while nothing is pending, room in the
    /// pipe while something is.
    func pollRequests() -> [pollfd] {
        var fds: [pollfd] = []
        if listener >= 0 { fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
        if pending.isEmpty {
            fds += clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        } else if writeEnd >= 0 {
            fds.append(pollfd(fd: writeEnd, events: Int16(POLLOUT), revents: 0))
        }
        return fds
    }

    /// Acts on what `poll` reported for `pollRequests()`.
    mutating func handle(_ ready: [pollfd]) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        for p in ready where p.revents != 0 {
            if p.fd == listener {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                    clients.append(client)
                }
            } else if p.fd == writeEnd {
                flush()
            } else if clients.contains(p.fd) {
                let n = read(p.fd, &buffer, buffer.count)
                if n > 0 {
                    if writeEnd >= 0 { pending += buffer[0..<n] }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    Glibc.close(p.fd)
                    clients.removeAll { $0 == p.fd }
                    if once { stopListening(); closing = true }
                }
            }
        }
        flush()
        if closing && pending.isEmpty && writeEnd >= 0 {
            Glibc.close(writeEnd)
            writeEnd = -1
        }
    }

    /// Writes what is pending as far as the pipe takes it; a container that closed its stdin
    /// (or ended) drops the rest.
    private mutating func flush() {
        while !pending.isEmpty && writeEnd >= 0 {
            let n = pending.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
            if n > 0 { pending.removeFirst(n); continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { return }
            pending = []
            Glibc.close(writeEnd)
            writeEnd = -1
        }
    }

    private mutating func stopListening() {
        guard listener >= 0 else { return }
        Glibc.close(listener)
        listener = -1
        unlink(socketPath)
    }

    /// Everything closed and the socket removed (the container has ended).
    mutating func shutDown() {
        stopListening()
        for c in clients { Glibc.close(c) }
        clients = []
        if writeEnd >= 0 { Glibc.close(writeEnd) }
        writeEnd = -1
    }
}
