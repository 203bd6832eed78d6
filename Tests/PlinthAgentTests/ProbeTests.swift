@testable import PlinthAgent
import PlinthJSON
import Testing

/// Probe specs as containers declare them, and how results move with thresholds and periods.
@Suite("probes")
struct ProbeTests {
    @Test func specsWithUpstreamDefaultsAndNamedPorts() throws {
        let c: JSON = ["name": "c", "ports": [["name": "http", "containerPort": 8080]],
                       "livenessProbe": ["httpGet": ["path": "/healthz", "port": "http"], "initialDelaySeconds": 5],
                       "readinessProbe": ["tcpSocket": ["port": 9000], "successThreshold": 2, "periodSeconds": 3],
                       "startupProbe": ["exec": ["command": ["cat", "/ok"]], "successThreshold": 5]]
        let liveness = try #require(ProbeSpec(.liveness, of: c))
        #expect(liveness.action == .http(scheme: "HTTP", host: nil, port: 8080, path: "/healthz", headers: []))
        #expect(liveness.initialDelaySeconds == 5 && liveness.periodSeconds == 10 && liveness.timeoutSeconds == 1 && liveness.failureThreshold == 3)
        let readiness = try #require(ProbeSpec(.readiness, of: c))
        #expect(readiness.action == .tcp(host: nil, port: 9000) && readiness.successThreshold == 2 && readiness.periodSeconds == 3)
        let startup = try #require(ProbeSpec(.startup, of: c))
        #expect(startup.action == .exec(["cat", "/ok"]))
        #expect(startup.successThreshold == 1, "only readiness may ask for more than one success")
        #expect(ProbeSpec(.liveness, of: ["name": "plain"]) == nil)
    }

    @Test func thresholdsMoveResults() throws {
        let spec = try #require(ProbeSpec(.readiness, of: ["readinessProbe": ["exec": ["command": ["true"]], "successThreshold": 2, "failureThreshold": 2]]))
        var s = ProbeState(.readiness)
        #expect(s.result == .failure, "readiness starts out failing")
        let changes = [s.record(success: true, spec: spec, at: 0), s.record(success: true, spec: spec, at: 1)]
        #expect(changes == [false, true] && s.result == .success, "two successes make it ready")
        let failures = [s.record(success: false, spec: spec, at: 2), s.record(success: false, spec: spec, at: 3)]
        #expect(failures == [false, true] && s.result == .failure, "two failures make it unready")
        #expect(ProbeState(.liveness).result == .unknown)
    }

    @Test func dueAfterTheInitialDelayThenEveryPeriod() throws {
        let spec = try #require(ProbeSpec(.liveness, of: ["livenessProbe": ["exec": ["command": ["true"]], "initialDelaySeconds": 5, "periodSeconds": 2]]))
        var s = ProbeState(.liveness)
        #expect(!s.isDue(spec: spec, startedAt: 100, at: 104))
        #expect(s.isDue(spec: spec, startedAt: 100, at: 105))
        _ = s.record(success: true, spec: spec, at: 105)
        #expect(!s.isDue(spec: spec, startedAt: 100, at: 106.5))
        #expect(s.isDue(spec: spec, startedAt: 100, at: 107))
    }
}
