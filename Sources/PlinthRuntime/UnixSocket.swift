import Foundation

/// Unix stream sockets named by a path: a container shim listens on one for its container's
/// stdin, and the agent connects to it for `kubectl attach -i`.
enum UnixSocket {
    static func address(_ path: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw HostCommand.Failure(description: "socket path \(path) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return address
    }

    static func makeSocket() throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HostCommand.Failure(description: "socket: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// A listening socket at `path` (replacing what was there) that only root may use.
    static func listen(at path: String) throws -> Int32 {
        var address = try address(path)
        let fd = try makeSocket()
        unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, chmod(path, 0o600) == 0, Glibc.listen(fd, 8) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HostCommand.Failure(description: "socket \(path): \(reason)")
        }
        return fd
    }

    /// A connection to the socket at `path`.
    static func connect(to path: String) throws -> Int32 {
        var address = try address(path)
        let fd = try makeSocket()
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HostCommand.Failure(description: "connect \(path): \(reason)")
        }
        return fd
    }
}
