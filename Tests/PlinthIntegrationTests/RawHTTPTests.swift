import Foundation
import NIOHTTP1
import PlinthJSON
import Testing

/// Requests kubectl never sends but other clients do: YAML bodies, bad content types,
/// anonymous access, discovery negotiation, health and metrics.
@Suite("raw HTTP", .plinthServer)
struct RawHTTPTests {
    @Test func yamlBodiesAndMalformedYAML() async throws {
        let s = try sharedServer()
        try await APIClient.with(s) { client in
            let ns = try s.makeNamespace("yaml")
            let path = "/api/v1/namespaces/\(ns)/configmaps"
            let ok = try await client.send(.POST, path, raw: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  answer: \"42\"\n", contentType: "application/yaml")
            #expect(ok.status == 201)
            #expect(ok.body?.string("data", "answer") == "42")
            let bad = try await client.send(.POST, path, raw: "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n", contentType: "application/yaml")
            #expect(bad.status == 400)
            #expect(bad.body?.string("reason") == "BadRequest")
            #expect(bad.body?.string("message")?.contains("yaml") == true)
            let unsupported = try await client.send(.POST, path, raw: "<xml/>", contentType: "application/xml")
            #expect(unsupported.status == 415)
            #expect(unsupported.body?.string("reason") == "UnsupportedMediaType")
            let notObject = try await client.send(.POST, path, raw: "[1,2]", contentType: "application/json")
            #expect(notObject.status == 400)
        }
    }

    @Test func statusObjectsHaveTheUpstreamShape() async throws {
        let s = try sharedServer()
        try await APIClient.with(s) { client in
            let missing = try await client.send(.GET, "/api/v1/namespaces/default/configmaps/nope")
            #expect(missing.status == 404)
            #expect(missing.body?.serializedString() == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"configmaps"},"code":404}"#)
            let grouped = try await client.send(.GET, "/apis/apps/v1/namespaces/default/deployments/nope")
            #expect(grouped.body?.string("message") == #"deployments.apps "nope" not found"#)
            let badPath = try await client.send(.GET, "/api/v1/nothings")
            #expect(badPath.status == 404)
        }
    }

    @Test func anonymousAndBadTokens() async throws {
        let s = try sharedServer()
        try await APIClient.with(s, token: "") { anonymous in
            #expect(try await anonymous.send(.GET, "/version").status == 200)
            #expect(try await anonymous.send(.GET, "/readyz").status == 200)
            let forbidden = try await anonymous.send(.GET, "/api/v1/namespaces")
            #expect(forbidden.status == 403)
            #expect(forbidden.body?.string("message") == #"namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope"#)
        }
        try await APIClient.with(s, token: "not-the-token") { wrong in
            let unauthorized = try await wrong.send(.GET, "/api/v1/namespaces")
            #expect(unauthorized.status == 401)
            #expect(unauthorized.body?.string("reason") == "Unauthorized")
        }
    }

    @Test func metricsCountRequests() async throws {
        let s = try sharedServer()
        try await APIClient.with(s) { client in
            _ = try await client.send(.GET, "/api/v1/namespaces/default/configmaps")
            let metrics = try await client.sendText(.GET, "/metrics")
            #expect(metrics.contains(#"apiserver_request_total{code="200",resource="configmaps",subresource="",verb="LIST"}"#))
            #expect(metrics.contains("apiserver_request_duration_seconds_bucket"))
            #expect(metrics.contains("plinth_storage_revision"))
            #expect(metrics.contains("apiserver_storage_size_bytes"))
        }
    }

    @Test func watchEndsAtTimeoutAndResumesFromAResourceVersion() async throws {
        let s = try sharedServer()
        try await APIClient.with(s) { client in
            let ns = try s.makeNamespace("rv")
            let created = try await client.send(.POST, "/api/v1/namespaces/\(ns)/configmaps", body: ["metadata": ["name": "a"]])
            let rv = created.body?.string("metadata", "resourceVersion") ?? "0"
            _ = try await client.send(.POST, "/api/v1/namespaces/\(ns)/configmaps", body: ["metadata": ["name": "b"]])
            // The server must end the stream itself: the client gives up (and the test fails)
            // after 30 s. No tighter bound, since a runner busy with other suites delays timers.
            let text = try await client.sendText(.GET, "/api/v1/namespaces/\(ns)/configmaps?watch=true&resourceVersion=\(rv)&timeoutSeconds=1")
            let events = text.split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)) }
            #expect(events.map { $0.string("type") ?? "" } == ["ADDED"])
            #expect(events.first?.string("object", "metadata", "name") == "b")
        }
    }
}
