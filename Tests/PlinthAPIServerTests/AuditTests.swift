import Foundation
import Logging
import PlinthJSON
import Testing
@testable import PlinthAPIServer

@Suite("audit policy and log")
struct AuditTests {
    let alice = UserInfo(username: "alice", groups: ["devs", "system:authenticated"])

    @Test func firstMatchingRuleDecides() throws {
        let policy = try AuditPolicy(json: [
            "apiVersion": "audit.k8s.io/v1", "kind": "Policy",
            "rules": [
                ["level": "None", "verbs": ["get", "list", "watch"]],
                ["level": "Request", "resources": [["group": "", "resources": ["secrets"]]], "namespaces": ["prod"]],
                ["level": "Metadata", "userGroups": ["devs"]],
                ["level": "None", "nonResourceURLs": ["/healthz*"]],
            ],
        ])
        #expect(policy.level(user: alice, verb: "list", group: "", resource: "secrets", name: nil, namespace: "prod", path: nil) == .none)
        #expect(policy.level(user: alice, verb: "create", group: "", resource: "secrets", name: "s", namespace: "prod", path: nil) == .request)
        #expect(policy.level(user: alice, verb: "create", group: "", resource: "secrets", name: "s", namespace: "dev", path: nil) == .metadata)
        #expect(policy.level(user: .anonymous, verb: "create", group: "", resource: "secrets", name: "s", namespace: "dev", path: nil) == .none)
        #expect(policy.keepsBodies)
        #expect(throws: AuditPolicyError.self) { try AuditPolicy(json: ["kind": "Policy", "rules": [["level": "Loud"]]]) }
        #expect(AuditPolicy.default.level(user: alice, verb: "get", group: "", resource: "", name: nil, namespace: nil, path: "/readyz") == .none)
        #expect(AuditPolicy.default.level(user: alice, verb: "get", group: "", resource: "pods", name: nil, namespace: "x", path: nil) == .metadata)
    }

    @Test func logWritesEventsAndRotates() throws {
        let dir = NSTemporaryDirectory() + "audit-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = AuditLog(path: dir + "/audit.log", policy: .default, maxBytes: 4096, maxBackups: 2, logger: Logger(label: "test"))
        func entry(_ i: Int) -> AuditLog.Entry {
            AuditLog.Entry(user: alice, impersonator: nil, verb: "create", requestURI: "/api/v1/namespaces/dev/configmaps", sourceIP: nil,
                           userAgent: "kubectl", group: "", version: "v1", resource: "configmaps", subresource: nil, namespace: "dev",
                           name: "cm-\(i)", path: nil, code: 201, received: Date(), requestBody: nil)
        }
        log.record(entry(0))
        log.flush()
        let first = try JSON.parse(Array(try String(contentsOfFile: dir + "/audit.log", encoding: .utf8).split(separator: "\n")[0].utf8))
        #expect(first.string("kind") == "Event" && first.string("apiVersion") == "audit.k8s.io/v1" && first.string("level") == "Metadata")
        #expect(first.string("user", "username") == "alice" && first.string("objectRef", "name") == "cm-0")
        #expect(first[path: ["responseStatus", "code"]] == 201)
        for round in 0..<12 {
            for i in 0..<3 { log.record(entry(round * 3 + i)) }
            log.flush()
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files.contains("audit.log"))
        #expect(files.filter { $0.hasPrefix("audit-") }.count == 2, "\(files)")
        let size = (try FileManager.default.attributesOfItem(atPath: dir + "/audit.log")[.size] as? Int) ?? 0
        #expect(size <= 4096)
    }
}
