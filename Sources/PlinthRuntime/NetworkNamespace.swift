import CHost
import Foundation

/// A pod's network namespace, pinned as a file: the agent opens TCP connections inside it for
/// `kubectl port-forward`, as the kubelet's runtime does, without a helper process.
struct NetworkNamespace {
    let path: String

    /// A connected TCP socket to `port` on the namespace's loopback (IPv4, then IPv6), made on a
    /// thread of its own that enters the namespace: setns moves only the calling thread, and a
    /// socket stays in the namespace it was made in. The caller owns the descriptor.
    func connect(port: UInt16) async throws -> Int32 {
        let path = self.path
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try Self.connectInside(path, port: port) })
            }
            thread.start()
        }
    }

    private static func connectInside(_ path: String, port: UInt16) throws -> Int32 {
        let target = open(path, O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw NetworkNamespaceError("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(target) }
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw NetworkNamespaceError("open /proc/thread-self/ns/net: \(String(cString: strerror(errno)))") }
        defer { close(original) }
        guard setns(target, plinth_clone_newnet) == 0 else {
            throw NetworkNamespaceError("setns \(path): \(String(cString: strerror(errno)))")
        }
        // This thread ends right after; going back keeps it harmless if it did not.
        defer { _ = setns(original, plinth_clone_newnet) }
        var reasons: [String] = []
        for family in [AF_INET, AF_INET6] {
            do {
                return try connectLoopback(family: family, port: port)
            } catch {
                reasons.append("\(family == AF_INET ? "IPv4:" : "IPv6") \(error)")
            }
        }
        throw NetworkNamespaceError("failed to connect to localhost:\(port) inside namespace \"\(path)\", \(reasons.joined(separator: " "))")
    }

    private static func connectLoopback(family: Int32, port: UInt16) throws -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw NetworkNamespaceError("socket: \(String(cString: strerror(errno)))") }
        // Loopback answers at once; a full backlog must not hold the caller forever.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result: Int32
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_loopback
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            let address = family == AF_INET ? "tcp4 127.0.0.1:\(port)" : "tcp6 [::1]:\(port)"
            throw NetworkNamespaceError("dial \(address): connect: \(reason.lowercased())")
        }
        timeout = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }
}

struct NetworkNamespaceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
