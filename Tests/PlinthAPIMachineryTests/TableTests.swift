import Foundation
import PlinthJSON
import Testing

@testable import PlinthAPIMachinery

/// Server-side Table printing: columns and cells as kube-apiserver's printers produce them.
@Suite struct TableTests {
    static let now = Date(timeIntervalSince1970: TableTime.parse("2026-11-21T19:00:00Z")!)

    static func object(_ text: String) -> JSON { try! JSON.parse(string: text) }

    /// The row's cells by column name, checking there is one cell per column.
    static func row(_ group: String, _ kind: String, _ text: String) -> [String: JSON] {
        let printer = TablePrinter.forKind(group: group, kind: kind)
        let cells = printer.cells(object(text), now)
        #expect(cells.count == printer.columns.count)
        var out: [String: JSON] = [:]
        for (column, cell) in zip(printer.columns, cells) { out[column.name] = cell }
        return out
    }

    // MARK: HumanDuration

    @Test(arguments: [
        (0.0, "0s"), (1, "1s"), (45, "45s"), (119, "119s"), (120, "2m"), (125, "2m5s"), (599, "9m59s"),
        (600, "10m"), (601, "10m"), (10_799, "179m"), (10_800, "3h"), (12_000, "3h20m"), (28_800, "8h"),
        (169_200, "47h"), (172_800, "2d"), (180_000, "2d2h"), (691_200, "8d"), (62_985_600, "729d"),
        (63_072_000, "2y"), (71_712_000, "2y100d"), (252_288_005, "8y"),
        (-0.5, "0s"), (-1.5, "0s"), (-2, "<invalid>"),
    ] as [(Double, String)])
    func humanDuration(seconds: Double, expected: String) {
        #expect(HumanDuration.format(seconds) == expected)
    }

    @Test func timestamps() {
        #expect(TableTime.parse("1970-01-01T00:00:00Z") == 0)
        #expect(TableTime.parse("2026-11-21T20:00:00.5+01:00") == TableTime.parse("2026-11-21T19:00:00Z")! + 0.5)
        #expect(TableTime.parse("2026-02-30T00:00:00Z") == nil)
        #expect(TableTime.parse("yesterday") == nil)
        #expect(TableTime.formatRFC3339(TableTime.parse("2024-02-29T23:59:59.9-02:00")!) == "2024-03-01T01:59:59Z")
        #expect(TableTime.since(nil, now: Self.now) == "<unknown>")
    }

    // MARK: Pods

    @Test func podColumns() {
        let columns = TablePrinter.forKind(group: "", kind: "Pod").columns
        #expect(columns.map(\.name) == ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(columns.map(\.priority) == [0, 0, 0, 0, 0, 1, 1, 1, 1])
        #expect(columns[0].format == "name")
        #expect(columns[3].type == "string")
    }

    @Test func podWaitingContainerAndRestarts() {
        let r = Self.row("", "Pod", """
            {"metadata":{"name":"web","creationTimestamp":"2026-11-21T18:55:00Z"},
             "spec":{"containers":[{"name":"a"},{"name":"b"}],"nodeName":"n1"},
             "status":{"phase":"Running","podIPs":[{"ip":"10.0.0.5"}],"conditions":[{"type":"Ready","status":"True"}],
              "containerStatuses":[
               {"name":"a","ready":true,"restartCount":3,"state":{"running":{}},
                "lastState":{"terminated":{"exitCode":1,"finishedAt":"2026-11-21T18:55:00Z"}}},
               {"name":"b","ready":false,"restartCount":0,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}
            """)
        #expect(r["Name"] == "web")
        #expect(r["Ready"] == "1/2")
        #expect(r["Status"] == "CrashLoopBackOff")
        #expect(r["Restarts"] == "3 (5m ago)")
        #expect(r["Age"] == "5m")
        #expect(r["IP"] == "10.0.0.5")
        #expect(r["Node"] == "n1")
        #expect(r["Nominated Node"] == "<none>")
        #expect(r["Readiness Gates"] == "<none>")
    }

    @Test func podRunningWithoutRestarts() {
        let r = Self.row("", "Pod", """
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """)
        #expect(r["Ready"] == "1/1")
        #expect(r["Status"] == "Running")
        #expect(r["Restarts"] == "0")
        #expect(r["Age"] == "<unknown>")
        #expect(r["IP"] == "<none>")
    }

    @Test func podInitContainers() {
        let waiting = Self.row("", "Pod", """
            {"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[
               {"name":"i1","state":{"terminated":{"exitCode":0}}},{"name":"i2","state":{"running":{}}}],
              "containerStatuses":[{"name":"a","state":{"waiting":{"reason":"PodInitializing"}}}]}}
            """)
        #expect(waiting["Status"] == "Init:1/2")
        #expect(waiting["Ready"] == "0/1")

        let failed = Self.row("", "Pod", """
            {"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"i1"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":2,"state":{"terminated":{"exitCode":3}}}]}}
            """)
        #expect(failed["Status"] == "Init:ExitCode:3")
        #expect(failed["Restarts"] == "2")

        let crashing = Self.row("", "Pod", """
            {"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"i1"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}
            """)
        #expect(crashing["Status"] == "Init:CrashLoopBackOff")
    }

    @Test func podSidecarCountsAsContainer() {
        let r = Self.row("", "Pod", """
            {"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"s","restartPolicy":"Always"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],
              "initContainerStatuses":[{"name":"s","started":true,"ready":true,"restartCount":2,"state":{"running":{}}}],
              "containerStatuses":[{"name":"a","ready":true,"state":{"running":{}}}]}}
            """)
        #expect(r["Ready"] == "2/2")
        #expect(r["Status"] == "Running")
        #expect(r["Restarts"] == "2")
    }

    @Test func podTerminatingCompletedAndGated() {
        let terminating = Self.row("", "Pod", """
            {"metadata":{"name":"p","deletionTimestamp":"2026-11-21T18:59:00Z"},"spec":{"containers":[{"name":"a"}],
              "readinessGates":[{"conditionType":"x"},{"conditionType":"y"}]},
             "status":{"phase":"Running","conditions":[{"type":"x","status":"True"}],
              "containerStatuses":[{"name":"a","ready":true,"state":{"running":{}}}]}}
            """)
        #expect(terminating["Status"] == "Terminating")
        #expect(terminating["Readiness Gates"] == "1/2")

        let completed = Self.row("", "Pod", """
            {"metadata":{"name":"p","deletionTimestamp":"2026-11-21T18:59:00Z"},"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Succeeded","containerStatuses":[{"name":"a","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}
            """)
        #expect(completed["Status"] == "Completed")
        #expect(completed["Ready"] == "0/1")

        let errored = Self.row("", "Pod", """
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Failed","containerStatuses":[{"name":"a","state":{"terminated":{"exitCode":137,"signal":9}}}]}}
            """)
        #expect(errored["Status"] == "Signal:9")

        let gated = Self.row("", "Pod", """
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}}
            """)
        #expect(gated["Status"] == "SchedulingGated")
    }

    // MARK: Workloads

    @Test func deploymentReadyColumn() {
        let printer = TablePrinter.forKind(group: "apps", kind: "Deployment")
        #expect(printer.columns.map(\.name) == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"])
        let r = Self.row("apps", "Deployment", """
            {"metadata":{"name":"d","creationTimestamp":"2026-11-21T16:00:00Z"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]}]},
              "template":{"spec":{"containers":[{"name":"web","image":"nginx:1"},{"name":"log","image":"busybox"}]}}},
             "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}
            """)
        #expect(r["Ready"] == "2/3")
        #expect(r["Up-to-date"] == 3)
        #expect(r["Available"] == 2)
        #expect(r["Age"] == "3h")
        #expect(r["Containers"] == "web,log")
        #expect(r["Images"] == "nginx:1,busybox")
        #expect(r["Selector"] == "app=web,env in (dev,prod)")

        let fresh = Self.row("apps", "Deployment", #"{"metadata":{"name":"d"},"spec":{"replicas":1}}"#)
        #expect(fresh["Ready"] == "0/1")
        #expect(fresh["Up-to-date"] == 0)
    }

    @Test func jobStatusCompletionsDuration() {
        let r = Self.row("batch", "Job", """
            {"metadata":{"name":"pi"},"spec":{"completions":3,"template":{"spec":{"containers":[{"name":"pi","image":"perl"}]}}},
             "status":{"succeeded":3,"startTime":"2026-11-21T18:00:00Z","completionTime":"2026-11-21T18:02:05Z",
              "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}
            """)
        #expect(r["Status"] == "Complete")
        #expect(r["Completions"] == "3/3")
        #expect(r["Duration"] == "2m5s")
        let running = Self.row("batch", "Job", #"{"metadata":{"name":"j"},"spec":{"parallelism":4},"status":{"startTime":"2026-11-21T18:50:00Z"}}"#)
        #expect(running["Status"] == "Running")
        #expect(running["Completions"] == "0/1 of 4")
        #expect(running["Duration"] == "10m")
    }

    // MARK: Services and nodes

    @Test func servicePorts() {
        let r = Self.row("", "Service", """
            {"metadata":{"name":"s"},"spec":{"type":"NodePort","clusterIPs":["10.96.0.10"],"selector":{"app":"web"},
             "ports":[{"port":80,"protocol":"TCP"},{"port":443,"nodePort":30443,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}}
            """)
        #expect(r["Type"] == "NodePort")
        #expect(r["Cluster-IP"] == "10.96.0.10")
        #expect(r["External-IP"] == "<none>")
        #expect(r["Port(s)"] == "80/TCP,443:30443/TCP,53/UDP")
        #expect(r["Selector"] == "app=web")

        let pending = Self.row("", "Service", #"{"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIPs":["10.0.0.1"]}}"#)
        #expect(pending["External-IP"] == "<pending>")
        #expect(pending["Port(s)"] == "<none>")
        #expect(pending["Selector"] == "<none>")

        let lb = Self.row("", "Service", """
            {"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIPs":["10.0.0.1"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]},
             "status":{"loadBalancer":{"ingress":[{"ip":"5.6.7.8"},{"hostname":"lb.example"},{"ip":"1.2.3.4"}]}}}
            """)
        #expect(lb["External-IP"] == "1.2.3.4,5.6.7.8,lb.example")
        #expect(lb["Port(s)"] == "80:31000/TCP")
    }

    @Test func nodeStatusAndRoles() {
        let r = Self.row("", "Node", """
            {"metadata":{"name":"n1","creationTimestamp":"2026-11-16T19:00:00Z","labels":{"node-role.kubernetes.io/control-plane":""}},
             "spec":{"unschedulable":true},
             "status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.33.1"},
              "addresses":[{"type":"InternalIP","address":"192.168.1.2"}]}}
            """)
        #expect(r["Status"] == "Ready,SchedulingDisabled")
        #expect(r["Roles"] == "control-plane")
        #expect(r["Age"] == "5d")
        #expect(r["Version"] == "v1.33.1")
        #expect(r["Internal-IP"] == "192.168.1.2")
        #expect(r["External-IP"] == "<none>")
        #expect(r["OS-Image"] == "<unknown>")
        let bare = Self.row("", "Node", #"{"metadata":{"name":"n2"}}"#)
        #expect(bare["Status"] == "Unknown")
        #expect(bare["Roles"] == "<none>")
    }

    @Test func events() {
        let core = Self.row("", "Event", """
            {"metadata":{"name":"web.1"},"involvedObject":{"kind":"Pod","name":"web"},"reason":"Pulled","type":"Normal",
             "message":"pulled\\n","source":{"component":"kubelet","host":"n1"},
             "firstTimestamp":"2026-11-21T18:00:00Z","lastTimestamp":"2026-11-21T18:58:00Z","count":4}
            """)
        #expect(core["Last Seen"] == "2m")
        #expect(core["Object"] == "pod/web")
        #expect(core["Message"] == "pulled")
        #expect(core["Source"] == "kubelet, n1")
        #expect(core["First Seen"] == "60m")
        #expect(core["Count"] == 4)
        let new = Self.row("events.k8s.io", "Event", """
            {"metadata":{"name":"e"},"regarding":{"kind":"Node","name":"n1"},"reason":"Starting","note":"hi","type":"Normal",
             "reportingController":"kubelet","eventTime":"2026-11-21T18:59:30.000000Z"}
            """)
        #expect(new["Last Seen"] == "30s")
        #expect(new["Object"] == "node/n1")
        #expect(new["Source"] == "kubelet")
        #expect(new["Count"] == 1)
    }

    @Test func simpleKinds() {
        #expect(Self.row("", "ConfigMap", #"{"metadata":{"name":"c"},"data":{"a":"1"},"binaryData":{"b":"AA=="}}"#)["Data"] == 2)
        #expect(Self.row("", "Secret", #"{"metadata":{"name":"s"},"type":"Opaque","data":{"a":"MQ=="}}"#)["Type"] == "Opaque")
        #expect(Self.row("", "Namespace", #"{"metadata":{"name":"ns"},"status":{"phase":"Active"}}"#)["Status"] == "Active")
        #expect(TablePrinter.forKind(group: "", kind: "ServiceAccount").columns.map(\.name) == ["Name", "Secrets", "Age"])
        #expect(Self.row("apps", "StatefulSet", #"{"metadata":{"name":"s"},"spec":{"replicas":2},"status":{"readyReplicas":1}}"#)["Ready"] == "1/2")
        #expect(Self.row("coordination.k8s.io", "Lease", #"{"metadata":{"name":"l"},"spec":{"holderIdentity":"me"}}"#)["Holder"] == "me")
        let binding = Self.row("rbac.authorization.k8s.io", "ClusterRoleBinding", """
            {"metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"view"},
             "subjects":[{"kind":"User","name":"a"},{"kind":"User","name":"b"},{"kind":"ServiceAccount","namespace":"ns","name":"sa"}]}
            """)
        #expect(binding["Role"] == "ClusterRole/view")
        #expect(binding["Users"] == "a, b")
        #expect(binding["ServiceAccounts"] == "ns/sa")
        #expect(Self.row("", "Endpoints", #"{"metadata":{"name":"e"}}"#)["Endpoints"] == "<none>")
        #expect(Self.row("storage.k8s.io", "StorageClass", """
            {"metadata":{"name":"std","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"p"}
            """)["Name"] == "std (default)")
    }

    // MARK: Default and custom resources

    @Test func defaultPrinter() {
        let printer = TablePrinter.default
        #expect(printer.columns.map(\.name) == ["Name", "Created At"])
        #expect(printer.columns.map(\.type) == ["string", "date"])
        #expect(printer.columns[0].format == "name")
        let cells = printer.cells(Self.object(#"{"metadata":{"name":"r","creationTimestamp":"2026-11-21T18:00:00+01:00"}}"#), Self.now)
        #expect(cells == ["r", "2026-11-21T17:00:00Z"])
        #expect(printer.cells(Self.object(#"{"metadata":{"name":"x"}}"#), Self.now) == ["x", "0001-01-01T00:00:00Z"])
        for kind in ["Role", "ClusterRole", "LimitRange"] {
            #expect(TablePrinter.forKind(group: kind == "LimitRange" ? "" : "rbac.authorization.k8s.io", kind: kind).columns.map(\.name) == ["Name", "Created At"])
        }
        #expect(TablePrinter.forKind(group: "example.com", kind: "Widget").columns.map(\.name) == ["Name", "Created At"])
    }

    @Test func customResourcePrinter() {
        let printer = TablePrinter.customResource(columns: [
            (name: "Replicas", type: "integer", jsonPath: ".spec.replicas", priority: 0, description: "", format: ""),
            (name: "Ready", type: "string", jsonPath: #".status.conditions[?(@.type=="Ready")].status"#, priority: 0, description: "Readiness", format: ""),
            (name: "First", type: "string", jsonPath: ".spec.items[0].name", priority: 1, description: "", format: ""),
            (name: "App", type: "string", jsonPath: ".metadata.labels['app.kubernetes.io/name']", priority: 1, description: "", format: ""),
            (name: "Labels", type: "string", jsonPath: ".metadata.labels", priority: 1, description: "", format: ""),
            (name: "Ratio", type: "number", jsonPath: ".spec.ratio", priority: 0, description: "", format: "float"),
            (name: "On", type: "boolean", jsonPath: ".spec.on", priority: 0, description: "", format: ""),
            (name: "Missing", type: "string", jsonPath: ".spec.nothing", priority: 0, description: "", format: ""),
            (name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", priority: 0, description: "", format: ""),
        ])
        #expect(printer.columns.map(\.name) == ["Name", "Replicas", "Ready", "First", "App", "Labels", "Ratio", "On", "Missing", "Age"])
        #expect(printer.columns[1].description == "Custom resource definition column (in JSONPath format): .spec.replicas")
        #expect(printer.columns[2].description == "Readiness")
        #expect(printer.columns[3].priority == 1)
        #expect(printer.columns[6].format == "float")
        let cells = printer.cells(Self.object("""
            {"metadata":{"name":"w","creationTimestamp":"2026-11-21T18:57:55Z","labels":{"z":"1","app.kubernetes.io/name":"demo"}},
             "spec":{"replicas":3,"ratio":2,"on":true,"items":[{"name":"first"},{"name":"second"}]},
             "status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}
            """), Self.now)
        #expect(cells == ["w", 3, "True", "first", "demo", #"{"app.kubernetes.io/name":"demo","z":"1"}"#, .double(2), true, nil, "2m5s"])
    }

    @Test func columnDefinitionJSON() {
        let column = TableColumn(name: "Name", format: "name", description: "d")
        #expect(column.tableColumnDefinition == ["name": "Name", "type": "string", "format": "name", "description": "d", "priority": 0])
    }
}
