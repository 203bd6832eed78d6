import Foundation

/// A small TCP stream and echo tool for network benchmarks, run inside the network namespaces
/// it measures (`nsenter --net=… plinth bench tcp-probe …`): a server that sinks streams and
/// echoes pings, a streaming client that reports throughput, and a ping client that reports
/// round-trip latencies. Plain blocking sockets: one thread per connection is all it needs.
public enum TCPProbe {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    static func check(_ result: Int32, _ what: String) throws {
        if result < 0 { throw Failure(description: "\(what): \(String(cString: strerror(errno)))") }
    }

    static func address(_ host: String, _ port: Int) throws -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else { throw Failure(description: "not an IPv4 address: \(host)") }
        return a
    }

    static func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = read(fd, buffer + done, count - done)
            if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { return false }
        }
        return true
    }

    static func writeFully(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = write(fd, buffer + done, count - done)
            if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { return false }
        }
        return true
    }

    /// Serves on `port` until killed: a connection starting with `S` is a stream (answered with
    /// the byte count, 8 bytes big-endian, once it ends); one starting with `P` is echoed in
    /// 64-byte messages.
    public static func serve(port: Int) throws -> Never {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try check(listener, "socket")
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = try address("0.0.0.0", port)
        try check(withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }, "bind")
        try check(listen(listener, 64), "listen")
        FileHandle.standardOutput.write(Data("listening on \(port)\n".utf8))
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            Thread.detachNewThread { handle(fd) }
        }
    }

    static func handle(_ fd: Int32) {
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var mode: UInt8 = 0
        guard readFully(fd, &mode, 1) else { return }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        if mode == UInt8(ascii: "S") {
            var total: UInt64 = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n > 0 { total += UInt64(n) } else if n < 0 && errno == EINTR { continue } else { break }
            }
            var count = total.bigEndian
            _ = writeFully(fd, &count, 8)
        } else {
            while buffer.withUnsafeMutableBytes({ readFully(fd, $0.baseAddress!, 64) }) {
                guard buffer.withUnsafeBytes({ writeFully(fd, $0.baseAddress!, 64) }) else { return }
            }
        }
    }

    static func connect(_ host: String, _ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try check(fd, "socket")
        var a = try address(host, port)
        let connected = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if connected < 0 {
            close(fd)
            try check(connected, "connect \(host):\(port)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Streams for `seconds` and returns the rate the server counted, in Gbit/s.
    public static func stream(host: String, port: Int, seconds: Double) throws -> Double {
        let fd = try connect(host, port)
        defer { close(fd) }
        var mode = UInt8(ascii: "S")
        guard writeFully(fd, &mode, 1) else { throw Failure(description: "stream: write failed") }
        let buffer = [UInt8](repeating: 0x5A, count: 1 << 16)
        let start = ContinuousClock.now, limit = Duration.milliseconds(Int(seconds * 1000))
        while ContinuousClock.now - start < limit {
            guard buffer.withUnsafeBytes({ writeFully(fd, $0.baseAddress!, $0.count) }) else { throw Failure(description: "stream: write failed") }
        }
        shutdown(fd, Int32(SHUT_WR))
        var count: UInt64 = 0
        guard readFully(fd, &count, 8) else { throw Failure(description: "stream: no count from the server") }
        let elapsed = ContinuousClock.now - start
        let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(UInt64(bigEndian: count)) * 8 / secondsTaken / 1e9
    }

    /// Sends `count` 64-byte pings one after another; returns each round trip in microseconds, sorted.
    public static func ping(host: String, port: Int, count: Int) throws -> [Double] {
        let fd = try connect(host, port)
        defer { close(fd) }
        var mode = UInt8(ascii: "P")
        guard writeFully(fd, &mode, 1) else { throw Failure(description: "ping: write failed") }
        var message = [UInt8](repeating: 0x42, count: 64)
        var rtts: [Double] = []
        rtts.reserveCapacity(count)
        for _ in 0..<count {
            let sent = ContinuousClock.now
            let ok = message.withUnsafeMutableBytes { writeFully(fd, $0.baseAddress!, 64) && readFully(fd, $0.baseAddress!, 64) }
            guard ok else { throw Failure(description: "ping: the server went away") }
            let rtt = ContinuousClock.now - sent
            rtts.append(Double(rtt.components.attoseconds) / 1e12 + Double(rtt.components.seconds) * 1e6)
        }
        return rtts.sorted()
    }
}
