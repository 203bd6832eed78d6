import Foundation
import PlinthJSON
import Testing

/// The default scheduler and the `binding` subresource, against Node objects the test writes
/// (no host agents yet): pods land on nodes that fit, an unschedulable pod says why in its
/// `PodScheduled` condition and a `FailedScheduling` Event and is placed once room appears,
/// cordoned nodes take no new pods. The test nodes carry a taint only these pods tolerate, so
/// other tests' pods never land on them.
@Suite("scheduler", .plinthServer)
struct SchedulerTests {
    static let taint = "plinth.dev/scheduler-test"

    func makeNode(_ s: PlinthServer, _ name: String, zone: String, cpu: String) throws {
        let node = """
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "\(name)", "labels": {"zone": "\(zone)"}},
         "spec": {"taints": [{"key": "\(Self.taint)", "value": "yes", "effect": "NoSchedule"}]}}
        """
        let created = try s.kubectl(["create", "-f", "-"], stdin: node)
        #expect(created.status == 0, "\(created.stderr)")
        try setCPU(s, name, cpu)
    }

    func setCPU(_ s: PlinthServer, _ node: String, _ cpu: String) throws {
        let status = #"{"status": {"capacity": {"cpu": "\#(cpu)", "memory": "8Gi", "pods": "110"}, "allocatable": {"cpu": "\#(cpu)", "memory": "8Gi", "pods": "110"}}}"#
        let r = try s.kubectl("patch", "node", node, "--subresource=status", "--type=merge", "-p", status)
        #expect(r.status == 0, "\(r.stderr)")
    }

    func makePod(_ s: PlinthServer, _ ns: String, _ name: String, cpu: String, zone: String? = nil, scheduler: String? = nil) throws {
        var spec: JSON = ["containers": [["name": "c", "image": "busybox", "resources": ["requests": ["cpu": .string(cpu)]]]],
                          "tolerations": [["key": .string(Self.taint), "operator": "Exists"]]]
        if let zone { spec["nodeSelector"] = ["zone": .string(zone)] }
        if let scheduler { spec["schedulerName"] = .string(scheduler) }
        let pod: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)], "spec": spec]
        let r = try s.kubectl(["create", "-n", ns, "-f", "-"], stdin: String(decoding: pod.serialized(), as: UTF8.self))
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// Polls until `jsonpath` of the pod is non-empty and returns it.
    func waitFor(_ s: PlinthServer, _ ns: String, _ pod: String, _ jsonpath: String) throws -> String {
        for _ in 0..<100 {
            let out = try s.kubectl("get", "pod", pod, "-n", ns, "-o", "jsonpath=\(jsonpath)").stdout
            if !out.isEmpty { return out }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("pod \(ns)/\(pod): \(jsonpath) stayed empty")
    }

    @Test func podsAreBoundWhereTheyFitAndWaitWhereTheyDoNot() async throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("sched")
        try makeNode(s, "sched-a", zone: "a", cpu: "2")
        try makeNode(s, "sched-b", zone: "b", cpu: "1")
        defer { _ = try? s.kubectl("delete", "node", "sched-a", "sched-b") }

        // Fits in zone a: bound there, PodScheduled true, shown by kubectl -o wide.
        try makePod(s, ns, "small", cpu: "500m", zone: "a")
        #expect(try waitFor(s, ns, "small", "{.spec.nodeName}") == "sched-a")
        #expect(try s.kubectl("get", "pod", "small", "-n", ns, "-o", #"jsonpath={.status.conditions[?(@.type=="PodScheduled")].status}"#).stdout == "True")
        #expect(try s.kubectl("get", "pod", "small", "-n", ns, "-o", "wide").stdout.contains("sched-a"))

        // Too big for either node: waits with upstream's reason and an Event.
        try makePod(s, ns, "big", cpu: "3")
        let reason = try waitFor(s, ns, "big", #"{.status.conditions[?(@.type=="PodScheduled")].reason}"#)
        #expect(reason == "Unschedulable")
        let message = try s.kubectl("get", "pod", "big", "-n", ns, "-o", #"jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}"#).stdout
        // Other tests' nodes may be present too: every node is counted, ours as short of cpu.
        #expect(message.range(of: #"^0/\d+ nodes are available: (.*, )?\d+ Insufficient cpu(, .*)?\.$"#, options: .regularExpression) != nil, "\(message)")
        #expect(try s.kubectl("get", "pod", "big", "-n", ns, "-o", "jsonpath={.spec.nodeName}").stdout.isEmpty)
        let events = try s.kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.name=big,reason=FailedScheduling", "-o", "jsonpath={.items[*].message}").stdout
        #expect(events.contains("Insufficient cpu"), "\(events)")
        #expect(try s.kubectl("describe", "pod", "big", "-n", ns).stdout.contains("FailedScheduling"))

        // Room appears on b: the waiting pod is placed there.
        try setCPU(s, "sched-b", "4")
        #expect(try waitFor(s, ns, "big", "{.spec.nodeName}") == "sched-b")

        // A cordoned node takes no new pods; uncordoned, it does.
        #expect(try s.kubectl("cordon", "sched-a").status == 0)
        try makePod(s, ns, "cordoned", cpu: "100m", zone: "a")
        let cordoned = try waitFor(s, ns, "cordoned", #"{.status.conditions[?(@.type=="PodScheduled")].message}"#)
        #expect(cordoned.contains("1 node(s) were unschedulable"), "\(cordoned)")
        #expect(try s.kubectl("uncordon", "sched-a").status == 0)
        #expect(try waitFor(s, ns, "cordoned", "{.spec.nodeName}") == "sched-a")
    }

    @Test func bindingSubresource() async throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("bind")
        try makeNode(s, "bind-a", zone: "x", cpu: "1")
        defer { _ = try? s.kubectl("delete", "node", "bind-a") }
        // Another scheduler's pod: the default scheduler leaves it alone.
        try makePod(s, ns, "manual", cpu: "100m", scheduler: "my-scheduler")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try s.kubectl("get", "pod", "manual", "-n", ns, "-o", "jsonpath={.spec.nodeName}").stdout.isEmpty)

        try await APIClient.with(s) { client in
            let path = "/api/v1/namespaces/\(ns)/pods/manual/binding"
            let binding: JSON = ["apiVersion": "v1", "kind": "Binding", "metadata": ["name": "manual"], "target": ["kind": "Node", "name": "bind-a"]]
            let (status, body) = try await client.send(.POST, path, body: binding)
            #expect(status == 201, "\(String(describing: body))")
            #expect(body?.string("status") == "Success")

            let (again, refusal) = try await client.send(.POST, path, body: binding)
            #expect(again == 409)
            #expect(refusal?.string("message") == #"Operation cannot be fulfilled on pods/binding "manual": pod manual is already assigned to node "bind-a""#)

            let (wrongName, mismatch) = try await client.send(.POST, path, body: ["kind": "Binding", "metadata": ["name": "other"], "target": ["name": "bind-a"]])
            #expect(wrongName == 400)
            #expect(mismatch?.string("message") == "name in URL does not match name in Binding object")

            let (noTarget, invalid) = try await client.send(.POST, path, body: ["kind": "Binding", "metadata": ["name": "manual"], "target": [:]])
            #expect(noTarget == 422)
            #expect(invalid?.string("message")?.contains("target.name: Required value") == true)
        }
        #expect(try s.kubectl("get", "pod", "manual", "-n", ns, "-o", "jsonpath={.spec.nodeName}").stdout == "bind-a")
        #expect(try s.kubectl("get", "pod", "manual", "-n", ns, "-o", #"jsonpath={.status.conditions[?(@.type=="PodScheduled")].status}"#).stdout == "True")
    }
}
