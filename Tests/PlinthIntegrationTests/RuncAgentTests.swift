import Foundation
import PlinthJSON
import Testing

/// `plinth agent --runtime runc` running real containers: a busybox image the test builds from
/// the host's busybox-static and pushes to a `docker-registry` on loopback is pulled, a pod runs
/// with its command, env from a fieldRef and its output in the CRI log file; exit codes reach
/// the pod status; a crashing container goes CrashLoopBackOff with restarts, a missing image
/// ErrImagePull then ImagePullBackOff; deleting a pod stops its container within the grace
/// period and leaves no mount or directory behind; a Deployment rolls out and Jobs complete or
/// fail on real containers; `kubectl logs` (follow, tail, timestamps, previous) reads containers'
/// output through the agent's endpoint; exec readiness and liveness probes decide readiness and
/// restart a sick container; `kubectl exec` (with and without a TTY, stdin, exit codes),
/// `kubectl attach` (and `kubectl run -i`), `kubectl cp` and `kubectl port-forward` (to a pod
/// and a Service) reach containers through the API server and the agent; the Python client's end-to-end tests run pods of `busybox` (found
/// through the agent's docker.io mirror), exec into them, and round-trip Deployments, DaemonSets
/// and Jobs. The host carries a taint only this test's pods tolerate.
@Suite("runc host agent", .plinthServer)
struct RuncAgentTests {
    static let tools = ["/usr/sbin/runc", "/usr/bin/docker-registry", "/bin/busybox"]

    /// Polls with this suite's longer default (image pulls and real containers).
    func poll(_ what: String, timeout: TimeInterval = 60, _ body: () throws -> Bool) throws {
        try PlinthIntegrationTests.poll(what, timeout: timeout, body)
    }

    func run(_ path: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("\(path) \(args): \(out)") }
        return out
    }

    @Test(.enabled(if: tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
                   "needs runc, docker-registry and busybox-static (apt-get install runc docker-registry busybox-static)"))
    func runcAgentRunsContainers() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("runc")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-runc-\(ns)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let port = 20000 + Int.random(in: 0..<20000)
        try """
        version: 0.1
        storage: {filesystem: {rootdirectory: \(work)/registry}}
        http: {addr: 127.0.0.1:\(port)}
        """.write(toFile: work + "/registry.yml", atomically: true, encoding: .utf8)
        let registry = try RunningCommand(path: "/usr/bin/docker-registry", args: ["serve", work + "/registry.yml"],
                                          environment: ProcessInfo.processInfo.environment)
        defer { registry.stop() }
        let image = "127.0.0.1:\(port)/busybox:1.36"
        let builder = PlinthServer.packageRoot.appendingPathComponent("scripts/busybox-image").path
        try poll("registry on \(port)", timeout: 20) { (try? run(builder, ["--layout", work + "/layout", "--push", image])) != nil }
        // The same image as docker.io's `busybox`, which the agent finds through its mirror.
        _ = try run(builder, ["--layout", work + "/layout", "--push", "127.0.0.1:\(port)/library/busybox:latest"])

        let node = "runc-\(ns)"
        let taint = "plinth.dev/runc-test"
        // A bridge of its own: other agents of the test run may share this network namespace.
        let agent = try s.startAgent(["--name", node, "--runtime", "runc", "--data-dir", work + "/agent", "--address", "127.0.0.1",
                                      "--pod-bridge", "plr" + String(ns.suffix(6)),
                                      "--registry-mirror", "docker.io=http://127.0.0.1:\(port)",
                                      "--register-with-taints", "\(taint)=\(ns):NoSchedule", "--label", "\(taint)=\(ns)"])
        defer {
            agent.stop()
            _ = try? s.kubectl("delete", "node", node, "--wait=false")
            try? FileManager.default.removeItem(atPath: work)
        }
        func pod(_ name: String, restartPolicy: String, image: String, command: String) -> String {
            """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "\(name)", "namespace": "\(ns)"},
             "spec": {"restartPolicy": "\(restartPolicy)", "nodeSelector": {"\(taint)": "\(ns)"}, "terminationGracePeriodSeconds": 2,
                      "tolerations": [{"key": "\(taint)", "operator": "Exists"}],
                      "containers": [{"name": "c", "image": "\(image)", "command": ["sh", "-c", "\(command)"],
                                      "env": [{"name": "MY_NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}]}]}}
            """
        }
        for p in [pod("once", restartPolicy: "Never", image: image, command: "echo hello from $(hostname) in $MY_NS; exit 3"),
                  pod("server", restartPolicy: "Always", image: image, command: "echo up; exec sleep 3600"),
                  pod("crasher", restartPolicy: "Always", image: image, command: "echo crash; exit 1"),
                  pod("missing", restartPolicy: "Always", image: "127.0.0.1:\(port)/nothere:1", command: "true")] {
            let r = try s.kubectl(["apply", "-f", "-"], stdin: p)
            #expect(r.status == 0, "\(r.stderr)")
        }
        func status(_ name: String) throws -> JSON {
            try JSON.parse(Array(s.kubectl("get", "pod", name, "-n", ns, "-o", "json").stdout.utf8))["status"] ?? .null
        }

        // A pod that runs to its end: Failed with the exit code, its output in the CRI log file.
        try poll("pod once Failed") { try status("once").string("phase") == "Failed" }
        let once = try status("once")
        #expect(once[path: ["containerStatuses"]]?.arrayValue?.first?[path: ["state", "terminated", "exitCode"]]?.intValue == 3)
        #expect(once[path: ["containerStatuses"]]?.arrayValue?.first?.string("imageID")?.contains("@sha256:") == true)
        let uid = try s.kubectl("get", "pod", "once", "-n", ns, "-o", "jsonpath={.metadata.uid}").stdout
        let log = try String(contentsOfFile: work + "/agent/runtime/logs/\(ns)_once_\(uid)/c/0.log", encoding: .utf8)
        #expect(log.contains(" stdout F hello from once in \(ns)\n"), "\(log)")

        // Its log through the API server and the agent's endpoint, as `kubectl logs` shows it.
        let logs = try s.kubectl("logs", "once", "-n", ns)
        #expect(logs.status == 0 && logs.stdout == "hello from once in \(ns)\n", "\(logs.stdout)\(logs.stderr)")
        let stamped = try s.kubectl("logs", "once", "-n", ns, "--timestamps")
        #expect(stamped.stdout.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z hello from once"#, options: .regularExpression) != nil, "\(stamped.stdout)")
        let wrong = try s.kubectl("logs", "once", "-n", ns, "-c", "nope")
        #expect(wrong.status != 0 && wrong.stderr.contains("container nope is not valid for pod once"), "\(wrong.stderr)")

        // A long-running container is Running and ready.
        try poll("pod server Running") { try status("server").string("phase") == "Running" }
        #expect(try status("server")[path: ["containerStatuses"]]?.arrayValue?.first?["ready"]?.boolValue == true)

        // kubectl exec over WebSocket: separate stdout and stderr, the exit code, stdin to its end.
        let exec = try s.kubectl("exec", "server", "-n", ns, "--", "sh", "-c", "echo out; echo err >&2; exit 3")
        #expect(exec.status == 3 && exec.stdout == "out\n" && exec.stderr.hasPrefix("err\n"), "\(exec.status) \(exec.stdout) \(exec.stderr)")
        #expect(exec.stderr.contains("command terminated with exit code 3"), "\(exec.stderr)")
        let echoed = try s.kubectl(["exec", "-i", "server", "-n", ns, "--", "wc", "-c"], stdin: String(repeating: "x", count: 100_000))
        #expect(echoed.status == 0 && echoed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "100000", "\(echoed.stdout) \(echoed.stderr)")
        // A command that ignores its input: the rest of it goes nowhere, and the agent lives on.
        let ignoring = try s.kubectl(["exec", "-i", "server", "-n", ns, "--", "true"], stdin: String(repeating: "y", count: 1_000_000))
        #expect(ignoring.status == 0, "\(ignoring.stderr)")
        let missingCommand = try s.kubectl("exec", "server", "-n", ns, "--", "no-such-command")
        #expect(missingCommand.status == 1 && missingCommand.stderr.contains(#"exec: "no-such-command": executable file not found"#), "\(missingCommand.stderr)")
        // With a TTY (kubectl needs a terminal of its own: `script` gives it one): the command
        // sees a terminal of the size kubectl sent, and its exit code still comes back.
        var terminalEnvironment = ProcessInfo.processInfo.environment
        terminalEnvironment["KUBECONFIG"] = s.kubeconfig
        terminalEnvironment["HOME"] = s.home
        let terminal = try CommandResult.run("/usr/bin/script", ["-qec", "stty cols 91 rows 17; kubectl exec -it server -n \(ns) -- sh -c 'tty; stty size; exit 4'", "/dev/null"],
                                             environment: terminalEnvironment, timeout: 60)
        #expect(terminal.status == 4 && terminal.stdout.contains("/dev/pts/") && terminal.stdout.contains("17 91"), "\(terminal.status) \(terminal.stdout)")
        // kubectl cp is tar over exec, both ways.
        try "copied through exec\n".write(toFile: work + "/upload.txt", atomically: true, encoding: .utf8)
        let up = try s.kubectl("cp", work + "/upload.txt", "\(ns)/server:/tmp/upload.txt")
        #expect(up.status == 0, "\(up.stderr)")
        let down = try s.kubectl("cp", "\(ns)/server:/tmp/upload.txt", work + "/download.txt")
        #expect(down.status == 0, "\(down.stderr)")
        #expect((try? String(contentsOfFile: work + "/download.txt", encoding: .utf8)) == "copied through exec\n")
        // kubectl attach: a container's own streams from now on, and with -i its stdin, which a
        // stdinOnce container sees close when the client leaves; `kubectl run -i` is create + attach.
        let talker = """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "talker", "namespace": "\(ns)"},
             "spec": {"restartPolicy": "Never", "nodeSelector": {"\(taint)": "\(ns)"}, "terminationGracePeriodSeconds": 1,
                      "tolerations": [{"key": "\(taint)", "operator": "Exists"}],
                      "containers": [{"name": "c", "image": "\(image)", "stdin": true, "stdinOnce": true,
                                      "command": ["sh", "-c", "while read l; do echo got $l; echo err $l >&2; done; echo bye"]},
                                     {"name": "ticker", "image": "\(image)", "command": ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"]}]}}
            """
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: talker).status == 0)
        try poll("pod talker Running") { try status("talker").string("phase") == "Running" }
        try poll("ticker at 5") { try s.kubectl("logs", "talker", "-c", "ticker", "-n", ns).stdout.contains("tick 5\n") }
        let ticks = try s.kubectl(["attach", "talker", "-c", "ticker", "-n", ns], timeout: 2)
        #expect(ticks.stdout.contains("tick ") && !ticks.stdout.contains("tick 1\n"), "output from now on: \(ticks.stdout)")
        let attached = try s.kubectl(["attach", "-i", "talker", "-c", "c", "-n", ns], stdin: "a\nb\n")
        #expect(attached.status == 0 && attached.stdout == "got a\ngot b\nbye\n" && attached.stderr.contains("err a\nerr b\n"),
                "\(attached.status) \(attached.stdout) \(attached.stderr)")
        let overrides = #"{"spec": {"nodeSelector": {"\#(taint)": "\#(ns)"}, "tolerations": [{"key": "\#(taint)", "operator": "Exists"}]}}"#
        let ran = try s.kubectl(["run", "-i", "--rm", "--restart=Never", "runner", "-n", ns, "--image", image, "--overrides", overrides,
                                 "--", "sh", "-c", "cat; exit 3"], stdin: "through kubectl run\n")
        #expect(ran.status == 3 && ran.stdout.contains("through kubectl run\n"), "\(ran.status) \(ran.stdout) \(ran.stderr)")
        let notAttachable = try s.kubectl("attach", "once", "-n", ns)
        #expect(notAttachable.status != 0 && notAttachable.stderr.contains("cannot attach a container in a completed pod"), "\(notAttachable.stderr)")

        // The Python client's exec (v4.channel.k8s.io): output, an interactive shell, exit codes.
        if PythonEnvironment.isInstalled {
            var environment = ProcessInfo.processInfo.environment
            environment["KUBECONFIG"] = s.kubeconfig
            environment["HOME"] = s.home
            environment["PLINTH_EXEC_NAMESPACE"] = ns
            environment["PLINTH_EXEC_POD"] = "server"
            environment["PYTHONDONTWRITEBYTECODE"] = "1"
            // And the client's end-to-end tests with running pods: image `busybox`, exec, and
            // Deployment, DaemonSet and Job round trips.
            environment["PLINTH_E2E_NAMESPACE"] = ns
            environment["PLINTH_E2E_NODE_SELECTOR"] = "\(taint)=\(ns)"
            environment["PLINTH_E2E_TOLERATION"] = "\(taint)=\(ns)"
            let tests = ["test_pod_exec.py", "test_running_pods.py"].map { PlinthServer.packageRoot.appendingPathComponent("Tests/python/" + $0).path }
            let py = try CommandResult.run(PythonEnvironment.python, ["-m", "pytest", "-q"] + tests, environment: environment, timeout: 300)
            #expect(py.status == 0, "pytest \(tests):\n\(py.stdout)\(py.stderr)")
            #expect(py.stdout.contains("8 passed"), "\(py.stdout)")
        }
        // Exec needs `create` on pods/exec, which `view` does not grant: refused with upstream's
        // words, as the stream's Status.
        #expect(try s.kubectl("create", "rolebinding", "viewer", "-n", ns, "--clusterrole=view", "--serviceaccount=\(ns):default").status == 0)
        let refused = try s.kubectl("exec", "server", "-n", ns, "--as", "system:serviceaccount:\(ns):default", "--", "true")
        #expect(refused.status != 0 && refused.stderr.contains(#"pods "server" is forbidden: User "system:serviceaccount:\#(ns):default" cannot create resource "pods/exec" in API group "" in the namespace "\#(ns)""#),
                "\(refused.stderr)")

        // kubectl port-forward (SPDY streams inside a WebSocket) to a pod and to a Service: several
        // connections one after another, data both ways with half-closes, a port nothing listens
        // on explained, and `view` refused.
        let forwarded = """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "forwarded", "namespace": "\(ns)", "labels": {"app": "forwarded"}},
             "spec": {"nodeSelector": {"\(taint)": "\(ns)"}, "terminationGracePeriodSeconds": 1,
                      "tolerations": [{"key": "\(taint)", "operator": "Exists"}],
                      "containers": [{"name": "web", "image": "\(image)", "ports": [{"name": "http", "containerPort": 8080}],
                                      "command": ["sh", "-c", "mkdir -p /www && seq 1 200000 > /www/big && exec httpd -f -p 8080 -h /www"]},
                                     {"name": "counter", "image": "\(image)", "command": ["nc", "-ll", "-p", "9000", "-e", "wc", "-c"]}]}}
            ---
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "forwarded", "namespace": "\(ns)"},
             "spec": {"selector": {"app": "forwarded"}, "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}}
            """
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: forwarded).status == 0)
        try poll("pod forwarded Running") { try status("forwarded").string("phase") == "Running" }
        // The pod network: each pod has an address from its host's pod CIDR, and pods reach
        // each other by it.
        let subnetPrefix = try s.kubectl("get", "node", node, "-o", "jsonpath={.spec.podCIDR}").stdout.replacingOccurrences(of: ".0/24", with: ".")
        let forwardedIP = try status("forwarded").string("podIP") ?? ""
        let serverIP = try status("server").string("podIP") ?? ""
        #expect(subnetPrefix.hasPrefix("10.") && forwardedIP.hasPrefix(subnetPrefix) && serverIP.hasPrefix(subnetPrefix) && forwardedIP != serverIP,
                "pod CIDR \(subnetPrefix)0/24, pods \(forwardedIP) and \(serverIP)")
        let byAddress = try s.kubectl("exec", "server", "-n", ns, "--", "sh", "-c", #"printf 'GET /big HTTP/1.0\r\n\r\n' | nc -w 5 \#(forwardedIP) 8080 | tail -n 1"#)
        #expect(byAddress.stdout == "200000\n", "\(byAddress.stdout)\(byAddress.stderr)")
        var kubectlEnvironment = ProcessInfo.processInfo.environment
        kubectlEnvironment["KUBECONFIG"] = s.kubeconfig
        kubectlEnvironment["HOME"] = s.home
        /// Starts `kubectl port-forward` with local ports of its choosing; returns it and, per remote port, the local one.
        func portForward(_ args: String...) throws -> (RunningCommand, [Int: Int]) {
            let command = try RunningCommand(path: "/usr/bin/kubectl", args: ["port-forward", "-n", ns] + args, environment: kubectlEnvironment)
            var ports: [Int: Int] = [:]
            do {
                try poll("kubectl port-forward \(args) listening", timeout: 30) {
                    for match in command.output.matches(of: /Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/) {
                        ports[Int(match.2)!] = Int(match.1)!
                    }
                    return ports.count == args.count - 1
                }
            } catch {
                command.stop()
                throw TestFailure("\(error): \(command.output)")
            }
            return (command, ports)
        }
        let big = (1...200_000).map(String.init).joined(separator: "\n") + "\n"
        func fetchBig(_ port: Int) throws -> Bool {
            let reply = String(decoding: try LoopbackConnection.exchange(port: port, Array("GET /big HTTP/1.0\r\n\r\n".utf8)), as: UTF8.self)
            return reply.hasPrefix("HTTP/1.1 200 OK") && reply.hasSuffix("\r\n\r\n" + big)
        }
        do {
            let (forward, ports) = try portForward("pod/forwarded", ":8080", ":9000")
            defer { forward.stop() }
            // httpd may not listen yet right after the container started.
            try poll("httpd through port-forward", timeout: 20) { (try? fetchBig(ports[8080]!)) == true }
            #expect(try fetchBig(ports[8080]!), "a second connection")
            let counted = try LoopbackConnection.exchange(port: ports[9000]!, [UInt8](repeating: 120, count: 3_000_000))
            #expect(String(decoding: counted, as: UTF8.self) == "3000000\n", "\(forward.output)")
        }
        do {
            let (forward, ports) = try portForward("svc/forwarded", ":80")
            defer { forward.stop() }
            #expect(forward.output.contains("-> 8080"), "the Service's named targetPort: \(forward.output)")
            #expect(try fetchBig(ports[8080]!))
        }
        do {
            let (forward, ports) = try portForward("pod/forwarded", ":7777")
            defer { forward.stop() }
            _ = try? LoopbackConnection.exchange(port: ports[7777]!, [])
            try poll("kubectl reports the refused port") { forward.output.contains("error forwarding port 7777") }
            #expect(forward.output.contains("connection refused"), "\(forward.output)")
        }
        let forwardRefused = try s.kubectl("port-forward", "pod/forwarded", ":8080", "-n", ns, "--as", "system:serviceaccount:\(ns):default")
        #expect(forwardRefused.status != 0 && forwardRefused.stderr.contains(#"cannot create resource "pods/portforward" in API group "" in the namespace "\#(ns)""#),
                "\(forwardRefused.stderr)")

        // Init containers run in order to their end before the containers start; one that fails
        // under restartPolicy Never fails the pod, and its containers never start.
        func initPod(_ name: String, second: String) -> String {
            """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "\(name)", "namespace": "\(ns)"},
             "spec": {"restartPolicy": "Never", "nodeSelector": {"\(taint)": "\(ns)"}, "terminationGracePeriodSeconds": 1,
                      "tolerations": [{"key": "\(taint)", "operator": "Exists"}],
                      "initContainers": [{"name": "one", "image": "\(image)", "command": ["sh", "-c", "echo first"]},
                                         {"name": "two", "image": "\(image)", "command": ["sh", "-c", "\(second)"]}],
                      "containers": [{"name": "c", "image": "\(image)", "command": ["sh", "-c", "echo main"]}]}}
            """
        }
        for p in [initPod("inits", second: "echo second"), initPod("badinit", second: "exit 7")] {
            #expect(try s.kubectl(["apply", "-f", "-"], stdin: p).status == 0)
        }
        try poll("pod inits Succeeded") { try status("inits").string("phase") == "Succeeded" }
        let inits = try status("inits")
        #expect(inits[path: ["initContainerStatuses"]]?.arrayValue?.map { $0.string("state", "terminated", "reason") ?? "" } == ["Completed", "Completed"])
        let initStarts = (inits[path: ["initContainerStatuses"]]?.arrayValue ?? []).map { $0.string("state", "terminated", "finishedAt") ?? "" }
        let mainStart = inits[path: ["containerStatuses"]]?.arrayValue?.first?.string("state", "terminated", "startedAt") ?? ""
        #expect(initStarts.allSatisfy { !$0.isEmpty && $0 <= mainStart }, "\(initStarts) \(mainStart)")
        #expect(try s.kubectl("logs", "inits", "-n", ns, "-c", "two").stdout == "second\n")
        try poll("pod badinit Failed") { try status("badinit").string("phase") == "Failed" }
        let bad = try status("badinit")
        #expect(bad[path: ["initContainerStatuses"]]?.arrayValue?.last?[path: ["state", "terminated", "exitCode"]]?.intValue == 7)
        #expect(bad[path: ["containerStatuses"]]?.arrayValue?.first?.string("state", "waiting", "reason") == "PodInitializing")
        #expect(bad[path: ["conditions"]]?.arrayValue?.first { $0.string("type") == "Initialized" }?.string("reason") == "ContainersNotInitialized")
        #expect(try s.kubectl("get", "pod", "badinit", "-n", ns).stdout.contains("Init:Error"))

        // Volumes: an emptyDir an init container fills for the container, a ConfigMap (one key,
        // read-only), a Secret and the downward API, as files.
        #expect(try s.kubectl("create", "configmap", "settings", "-n", ns, "--from-literal=greeting=hello").status == 0)
        #expect(try s.kubectl("create", "secret", "generic", "creds", "-n", ns, "--from-literal=password=s3cret").status == 0)
        let withVolumes = """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "volumes", "namespace": "\(ns)", "labels": {"app": "vol"}},
             "spec": {"restartPolicy": "Never", "nodeSelector": {"\(taint)": "\(ns)"}, "terminationGracePeriodSeconds": 1,
                      "tolerations": [{"key": "\(taint)", "operator": "Exists"}],
                      "initContainers": [{"name": "fill", "image": "\(image)", "command": ["sh", "-c", "printf from-init > /work/note"],
                                          "volumeMounts": [{"name": "work", "mountPath": "/work"}]}],
                      "containers": [{"name": "c", "image": "\(image)",
                                      "command": ["sh", "-c", "for f in /work/note /config/greeting /creds/password /info/name /info/labels; do cat $f; echo; done; touch /config/x 2>/dev/null || echo read-only"],
                                      "volumeMounts": [{"name": "work", "mountPath": "/work"}, {"name": "config", "mountPath": "/config", "readOnly": true},
                                                       {"name": "creds", "mountPath": "/creds"}, {"name": "info", "mountPath": "/info"}]}],
                      "volumes": [{"name": "work", "emptyDir": {}},
                                  {"name": "config", "configMap": {"name": "settings", "items": [{"key": "greeting", "path": "greeting"}]}},
                                  {"name": "creds", "secret": {"secretName": "creds"}},
                                  {"name": "info", "downwardAPI": {"items": [{"path": "name", "fieldRef": {"fieldPath": "metadata.name"}},
                                                                             {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}}]}}
            """
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: withVolumes).status == 0)
        try poll("pod volumes Succeeded") { try status("volumes").string("phase") == "Succeeded" }
        let volumeLog = try s.kubectl("logs", "volumes", "-n", ns).stdout
        #expect(volumeLog == "from-init\nhello\ns3cret\nvolumes\napp=\"vol\"\nread-only\n", "\(volumeLog)")

        // A crashing container is restarted with a back-off.
        try poll("pod crasher in CrashLoopBackOff") {
            let c = try status("crasher")[path: ["containerStatuses"]]?.arrayValue?.first
            return c?.string("state", "waiting", "reason") == "CrashLoopBackOff" && (c?["restartCount"]?.intValue ?? 0) >= 1
                && c?[path: ["lastState", "terminated", "exitCode"]]?.intValue == 1
        }

        // The crashed run's output is the previous log.
        let previous = try s.kubectl("logs", "crasher", "-n", ns, "--previous")
        #expect(previous.status == 0 && previous.stdout.contains("crash"), "\(previous.stdout)\(previous.stderr)")

        // A missing image: ErrImagePull, then ImagePullBackOff, with a Failed event.
        try poll("pod missing in ImagePullBackOff") {
            try status("missing")[path: ["containerStatuses"]]?.arrayValue?.first?.string("state", "waiting", "reason") == "ImagePullBackOff"
        }
        let noImage = try s.kubectl("logs", "missing", "-n", ns)
        #expect(noImage.stderr.contains(#"container "c" in pod "missing" is waiting to start: image can't be pulled"#), "\(noImage.stderr)")
        let events = try s.kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.name=missing", "-o", "jsonpath={.items[*].reason}").stdout
        #expect(events.contains("Failed"), "\(events)")

        // Probes: an exec readiness probe keeps the pod unready until the file it tests exists; a
        // failing exec liveness probe has the container killed and restarted.
        let probed = """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probed", "namespace": "\(ns)"},
             "spec": {"nodeSelector": {"\(taint)": "\(ns)"}, "terminationGracePeriodSeconds": 1,
                      "tolerations": [{"key": "\(taint)", "operator": "Exists"}],
                      "containers": [{"name": "c", "image": "\(image)", "command": ["sh", "-c", "sleep 3; touch /ready; exec sleep 3600"],
                                      "readinessProbe": {"exec": {"command": ["test", "-e", "/ready"]}, "periodSeconds": 1}},
                                     {"name": "sick", "image": "\(image)", "command": ["sleep", "3600"],
                                      "livenessProbe": {"exec": {"command": ["sh", "-c", "echo not well; exit 1"]}, "periodSeconds": 1, "failureThreshold": 2}}]}}
            """
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: probed).status == 0)
        try poll("probed running") { try status("probed").string("phase") == "Running" }
        let early = try status("probed")[path: ["containerStatuses"]]?.arrayValue?.first { $0.string("name") == "c" }
        #expect(early?["ready"] == .bool(false), "not ready before the readiness probe passes: \(String(describing: early))")
        try poll("c ready") {
            try status("probed")[path: ["containerStatuses"]]?.arrayValue?.first { $0.string("name") == "c" }?["ready"] == .bool(true)
        }
        try poll("sick restarted") {
            (try status("probed")[path: ["containerStatuses"]]?.arrayValue?.first { $0.string("name") == "sick" }?["restartCount"]?.intValue ?? 0) >= 1
        }
        let probeEvents = try s.kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.name=probed", "-o", "jsonpath={.items[*].message}").stdout
        #expect(probeEvents.contains("Liveness probe failed: not well"), "\(probeEvents)")
        #expect(probeEvents.contains("Container sick failed liveness probe, will be restarted"), "\(probeEvents)")
        #expect(probeEvents.contains("Readiness probe failed: "), "\(probeEvents)")

        // `kubectl logs -f` streams while the container runs and ends when it stops; --tail keeps the end.
        let counter = pod("counter", restartPolicy: "Never", image: image, command: "for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.5; done")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: counter).status == 0)
        try poll("pod counter running") { try status("counter").string("phase") == "Running" }
        let followed = try s.kubectl("logs", "-f", "counter", "-n", ns)
        #expect(followed.status == 0 && followed.stdout == (1...6).map { "tick \($0)\n" }.joined(), "\(followed.stdout)\(followed.stderr)")
        #expect(try s.kubectl("logs", "counter", "-n", ns, "--tail=2").stdout == "tick 5\ntick 6\n")

        // Workloads on real containers: a Deployment of 3 replicas rolls out, a Job of 2
        // completions completes, a Job whose pod fails with backoffLimit 0 fails.
        let placement = """
            "nodeSelector": {"\(taint)": "\(ns)"}, "tolerations": [{"key": "\(taint)", "operator": "Exists"}], "terminationGracePeriodSeconds": 2
            """
        let deployment = """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "\(ns)"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {\(placement), "containers": [{"name": "c", "image": "\(image)", "command": ["sleep", "3600"]}]}}}}
            """
        func job(_ name: String, completions: Int, backoffLimit: Int, command: String) -> String {
            """
            {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "\(name)", "namespace": "\(ns)"},
             "spec": {"completions": \(completions), "parallelism": 2, "backoffLimit": \(backoffLimit),
                      "template": {"spec": {\(placement), "restartPolicy": "Never",
                                            "containers": [{"name": "c", "image": "\(image)", "command": ["sh", "-c", "\(command)"]}]}}}}
            """
        }
        for manifest in [deployment, job("twice", completions: 2, backoffLimit: 6, command: "exit 0"),
                         job("doomed", completions: 1, backoffLimit: 0, command: "exit 1")] {
            let r = try s.kubectl(["apply", "-f", "-"], stdin: manifest)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let rollout = try s.kubectl("rollout", "status", "deployment/web", "-n", ns, "--timeout=120s")
        #expect(rollout.status == 0 && rollout.stdout.contains("successfully rolled out"), "\(rollout.stdout)\(rollout.stderr)")
        let running = try s.kubectl("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].status.phase}").stdout
        #expect(running.split(separator: " ") == ["Running", "Running", "Running"], "\(running)")
        let completed = try s.kubectl("wait", "--for=condition=complete", "job/twice", "-n", ns, "--timeout=120s")
        #expect(completed.status == 0, "\(completed.stderr)")
        #expect(try s.kubectl("get", "job", "twice", "-n", ns, "-o", "jsonpath={.status.succeeded}").stdout == "2")
        try poll("job doomed Failed") {
            try s.kubectl("get", "job", "doomed", "-n", ns, "-o", #"jsonpath={.status.conditions[?(@.type=="Failed")].reason}"#).stdout
                == "BackoffLimitExceeded"
        }
        _ = try s.kubectl("delete", "deployments,jobs", "--all", "-n", ns, "--cascade=foreground")

        // Deletion stops the container within the grace period and leaves nothing behind.
        let serverUID = try s.kubectl("get", "pod", "server", "-n", ns, "-o", "jsonpath={.metadata.uid}").stdout
        let started = Date()
        #expect(try s.kubectl("delete", "pod", "server", "-n", ns).status == 0)
        #expect(Date().timeIntervalSince(started) < 15)
        try poll("sandbox of server removed", timeout: 10) { !FileManager.default.fileExists(atPath: work + "/agent/runtime/pods/" + serverUID) }
        _ = try s.kubectl("delete", "pods", "--all", "-n", ns)
        try poll("every sandbox removed") { ((try? FileManager.default.contentsOfDirectory(atPath: work + "/agent/runtime/pods")) ?? []).isEmpty }
        let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
        #expect(!mounts.contains(work), "mounts left: \(mounts.split(separator: "\n").filter { $0.contains(work) })")
        agent.stop()
    }
}
