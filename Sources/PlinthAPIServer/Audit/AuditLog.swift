import Foundation
import Logging
import PlinthAPIMachinery
import PlinthJSON
import ServiceLifecycle
import Synchronization

/// The audit log: one `audit.k8s.io/v1` Event per request as a JSON line (who, what, which
/// object, response code), at the level the policy gives. Requests append to an in-memory
/// buffer; the service writes it out every 100 ms and on shutdown, and rotates the file when it
/// passes `maxBytes`, keeping `maxBackups` old files (`audit-<time>.log`).
public final class AuditLog: Service, Sendable {
    public let path: String
    public let policy: AuditPolicy
    let maxBytes: Int
    let maxBackups: Int
    let logger: Logger
    private let buffer = Mutex<[UInt8]>([])

    public init(path: String, policy: AuditPolicy, maxBytes: Int = 100 << 20, maxBackups: Int = 5, logger: Logger) {
        self.path = path
        self.policy = policy
        self.maxBytes = maxBytes
        self.maxBackups = maxBackups
        self.logger = logger
    }

    /// One finished request.
    public struct Entry: Sendable {
        public var user: UserInfo
        public var impersonator: UserInfo?
        public var verb: String
        public var requestURI: String
        public var sourceIP: String?
        public var userAgent: String?
        public var group: String
        public var version: String
        public var resource: String
        public var subresource: String?
        public var namespace: String?
        public var name: String?
        public var path: String?
        public var code: Int
        public var received: Date
        public var requestBody: [UInt8]?
    }

    public func record(_ e: Entry) {
        let level = policy.level(user: e.user, verb: e.verb, group: e.group, resource: e.resource, name: e.name, namespace: e.namespace, path: e.path)
        guard level != .none else { return }
        var event: JSONObject = [
            "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": .string(level.rawValue),
            "auditID": .string(Self.auditID()), "stage": "ResponseComplete",
            "requestURI": .string(e.requestURI), "verb": .string(e.verb), "user": (e.impersonator ?? e.user).json,
        ]
        if e.impersonator != nil { event["impersonatedUser"] = e.user.json }
        if let ip = e.sourceIP { event["sourceIPs"] = [.string(ip)] }
        if let ua = e.userAgent { event["userAgent"] = .string(ua) }
        if e.path == nil {
            var ref: JSONObject = ["resource": .string(e.resource)]
            if let ns = e.namespace { ref["namespace"] = .string(ns) }
            if let n = e.name { ref["name"] = .string(n) }
            ref["apiGroup"] = .string(e.group)
            ref["apiVersion"] = .string(e.version)
            if let s = e.subresource { ref["subresource"] = .string(s) }
            event["objectRef"] = .object(ref)
        }
        event["responseStatus"] = ["metadata": [:], "code": .int(Int64(e.code))]
        if level >= .request, let body = e.requestBody, let object = try? JSON.parse(body) { event["requestObject"] = object }
        event["requestReceivedTimestamp"] = .string(Timestamp.micro(e.received))
        event["stageTimestamp"] = .string(Timestamp.micro())
        var line = JSON.object(event).serialized()
        line.append(UInt8(ascii: "\n"))
        buffer.withLock { $0.append(contentsOf: line) }
    }

    /// A random UUID-shaped id (cheaper than Foundation's UUID string on every request).
    static func auditID() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        var a = UInt64.random(in: .min ... .max), b = UInt64.random(in: .min ... .max)
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            if i < 16 { out.append(hex[Int(a & 15)]); a >>= 4 } else { out.append(hex[Int(b & 15)]); b >>= 4 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public func run() async throws {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                self.flush()
            }
        }
        flush()
    }

    /// Appends the buffered lines to the file, rotating first when it has grown past the limit.
    public func flush() {
        let pending = buffer.withLock { b -> [UInt8] in
            let out = b
            b.removeAll(keepingCapacity: true)
            return out
        }
        guard !pending.isEmpty else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > 0 && size + pending.count > maxBytes { rotate() }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else {
            logger.error("audit log \(path): cannot open (errno \(errno))")
            return
        }
        defer { close(fd) }
        pending.withUnsafeBytes { p in
            var offset = 0
            while offset < p.count {
                let n = write(fd, p.baseAddress! + offset, p.count - offset)
                if n <= 0 { if errno == EINTR { continue }; break }
                offset += n
            }
        }
    }

    func rotate() {
        let dir = (path as NSString).deletingLastPathComponent
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let stamp = String(RFC3339.format(seconds: Int64(Date().timeIntervalSince1970)).dropLast()).replacingOccurrences(of: ":", with: "-")
        _ = rename(path, "\(dir)/\(base)-\(stamp)-\(UUID().uuidString.prefix(4)).log")
        let backups = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasPrefix(base + "-") && $0.hasSuffix(".log") }.sorted()
        for old in backups.dropLast(maxBackups) { try? FileManager.default.removeItem(atPath: dir + "/" + old) }
    }
}
