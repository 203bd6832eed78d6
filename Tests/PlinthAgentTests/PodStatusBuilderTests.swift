@testable import PlinthAgent
import PlinthJSON
import PlinthRuntime
import Testing

/// Pod status with init containers, as the kubelet reports it while they run, after they
/// finish, and when one fails.
@Suite("pod status")
struct PodStatusBuilderTests {
    func pod(restartPolicy: String) -> JSON {
        ["metadata": ["name": "p", "namespace": "ns", "uid": "u"],
         "spec": ["restartPolicy": .string(restartPolicy),
                  "initContainers": [["name": "one", "image": "busybox"], ["name": "two", "image": "busybox"]],
                  "containers": [["name": "c", "image": "busybox"]]]]
    }

    func run(_ name: String, _ state: RuntimeContainerStatus.State) -> RuntimeContainerStatus {
        RuntimeContainerStatus(id: "runc://" + name, name: name, image: "busybox", imageID: "sha256:x", attempt: 0, state: state)
    }

    func status(_ restartPolicy: String, _ runs: [RuntimeContainerStatus]) -> JSON {
        let sandbox = SandboxStatus(podUID: "u", namespace: "ns", name: "p", ip: nil, createdAt: 0, containers: runs)
        return PodStatusBuilder.status(pod: pod(restartPolicy: restartPolicy), sandbox: sandbox, hostIP: "10.0.0.1", now: "2026-11-22T12:00:00Z")
    }

    func condition(_ s: JSON, _ type: String) -> JSON? {
        s["conditions"]?.arrayValue?.first { $0.string("type") == type }
    }

    @Test func whileTheFirstRuns() {
        let s = status("Always", [run("one", .running(startedAt: 1))])
        #expect(s.string("phase") == "Pending")
        #expect(s["initContainerStatuses"]?.arrayValue?.map { $0["started"]?.boolValue } == [true, false])
        #expect(s[path: ["initContainerStatuses"]]?.arrayValue?.last?.string("state", "waiting", "reason") == "PodInitializing")
        #expect(s[path: ["containerStatuses"]]?.arrayValue?.first?.string("state", "waiting", "reason") == "PodInitializing")
        #expect(condition(s, "Initialized")?.string("status") == "False")
        #expect(condition(s, "Initialized")?.string("message") == "containers with incomplete status: [one two]")
    }

    @Test func afterBothFinished() {
        let s = status("Always", [run("one", .exited(code: 0, reason: "Completed", startedAt: 1, finishedAt: 2)),
                                  run("two", .exited(code: 0, reason: "Completed", startedAt: 2, finishedAt: 3)),
                                  run("c", .running(startedAt: 4))])
        #expect(s.string("phase") == "Running")
        #expect(s["initContainerStatuses"]?.arrayValue?.map { $0["ready"]?.boolValue } == [true, true])
        #expect(condition(s, "Initialized")?.string("status") == "True")
        #expect(condition(s, "Ready")?.string("status") == "True")
    }

    @Test func aFailedInitContainer() {
        let runs = [run("one", .exited(code: 0, reason: "Completed", startedAt: 1, finishedAt: 2)),
                    run("two", .exited(code: 7, reason: "Error", startedAt: 2, finishedAt: 3))]
        #expect(status("Never", runs).string("phase") == "Failed")
        // Retried under Always or OnFailure: the pod stays Pending.
        #expect(status("Always", runs).string("phase") == "Pending")
        #expect(status("OnFailure", runs).string("phase") == "Pending")
    }
}
