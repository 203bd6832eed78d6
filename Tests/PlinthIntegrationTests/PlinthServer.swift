import Foundation
import Synchronization
import Testing

/// A real `plinth server` process on a loopback port with a temporary data directory, as a user
/// would run it; and the real kubectl pointed at it.
final class PlinthServer: @unchecked Sendable {
    let dataDir: String
    let home: String
    private(set) var process: Process?
    private(set) var url = ""
    private var output: Pipe?

    var kubeconfig: String { dataDir + "/admin.kubeconfig" }
    /// The pod range, the same across restarts.
    let clusterCIDR = PlinthServer.nextClusterCIDR()
    var token: String { (try? String(contentsOfFile: dataDir + "/admin.token", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
    var caPath: String { dataDir + "/ca.crt" }

    /// The task's shared server (set by the `.plinthServer` suite trait).
    @TaskLocal static var current: PlinthServer?

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["PLINTH_BINARY"] { return b }
        return packageRoot.appendingPathComponent(".build/debug/plinth").path
    }

    init(dataDir: String? = nil) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-it-\(UUID().uuidString.prefix(8))").path
        self.dataDir = dataDir ?? base + "/data"
        self.home = base + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    /// Starts `plinth server` (the control plane without a host agent; tests start their own) on
    /// `listen` and waits for its ready line.
    func start(listen: String = "127.0.0.1:0", arguments: [String] = []) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        // Hosts are marked Unknown after 6 silent seconds (not 50) so host-failure tests finish
        // quickly; their agents renew every second.
        p.arguments = ["server", "--data-dir", dataDir, "--listen", listen, "--log-level", "warning",
                       "--node-monitor-grace-period", "6s", "--node-monitor-period", "1s",
                       "--cluster-cidr", clusterCIDR] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PLINTH_EXIT_WITH_PARENT"] = "1"  // no stray servers if the test runner dies
        p.environment = environment
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.standardError
        try p.run()
        process = p
        output = pipe
        // Read until the ready banner names the URL.
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        let handle = pipe.fileHandleForReading
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"is ready at (https://[0-9.:]+)"#, options: .regularExpression) {
                url = String(text[range].split(separator: " ").last!)
                return
            }
        }
        throw TestFailure("plinth did not become ready; output: \(text)")
    }

    /// A pod range of its own for each server this test process starts, apart from the
    /// default (10.244.0.0/16) a `plinth up` on the same machine would use: hosts of
    /// different servers sharing the machine's network namespace get subnets that do not clash.
    static func nextClusterCIDR() -> String {
        clusterCIDRs.withLock { n in
            n += 1
            return "10.\(150 + n % 90).0.0/16"
        }
    }
    private static let clusterCIDRs = Mutex(0)

    /// SIGTERM (or SIGKILL) and wait for exit; returns the exit status.
    @discardableResult
    func stop(kill: Bool = false) -> Int32 {
        guard let p = process else { return 0 }
        if kill { Foundation.kill(p.processIdentifier, SIGKILL) } else { p.terminate() }
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    func cleanUp() {
        stop()
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dataDir).deletingLastPathComponent().path)
    }

    /// Runs the real kubectl against this server.
    @discardableResult
    func kubectl(_ args: [String], stdin: String? = nil, env: [String: String] = [:], timeout: TimeInterval = 60) throws -> CommandResult {
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfig
        environment["HOME"] = home
        for (k, v) in env { environment[k] = v }
        return try CommandResult.run("/usr/bin/kubectl", args, stdin: stdin, environment: environment, timeout: timeout)
    }

    func kubectl(_ args: String..., stdin: String? = nil, env: [String: String] = [:]) throws -> CommandResult {
        try kubectl(args, stdin: stdin, env: env)
    }

    /// Starts `plinth agent` against this server (ends with the test runner), on a port of its
    /// own unless `args` name one (agents of parallel tests share the host).
    func startAgent(_ args: [String]) throws -> RunningCommand {
        var environment = ProcessInfo.processInfo.environment
        environment["PLINTH_EXIT_WITH_PARENT"] = "1"
        let port = args.contains("--port") ? [] : ["--port", String(Int.random(in: 30000..<60000))]
        // Renewed every second: the test server calls a host silent after 6 s.
        let lease = args.contains("--lease-duration") ? [] : ["--lease-duration", "4"]
        return try RunningCommand(path: Self.binary, args: ["agent", "--kubeconfig", kubeconfig] + args + port + lease, environment: environment)
    }

    /// Starts a long-running kubectl (e.g. `get -w`) whose output can be polled.
    func startKubectl(_ args: [String]) throws -> RunningCommand {
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfig
        environment["HOME"] = home
        return try RunningCommand(path: "/usr/bin/kubectl", args: args, environment: environment)
    }

    /// A fresh namespace for one test.
    func makeNamespace(_ prefix: String) throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(6).lowercased())"
        let r = try kubectl("create", "namespace", name)
        if r.status != 0 { throw TestFailure("create namespace: \(r.stderr)") }
        return name
    }
}

/// Checks `body` every 200 ms until it holds; throws once `timeout` seconds pass without.
func poll(_ what: String, timeout: TimeInterval = 30, _ body: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try body() { return }
        Thread.sleep(forTimeInterval: 0.2)
    }
    throw TestFailure("timed out waiting for \(what)")
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// What a command printed and how it exited.
struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    static func run(_ path: String, _ args: [String], stdin: String? = nil, environment: [String: String], timeout: TimeInterval) throws -> CommandResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Drain both pipes concurrently so a chatty command cannot block on a full pipe.
        let group = DispatchGroup()
        let outData = DataBox(), errData = DataBox()
        group.enter()
        DispatchQueue.global().async { outData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            p.terminate()
            group.wait()
        }
        p.waitUntilExit()
        return CommandResult(status: p.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                             stderr: String(decoding: errData.data, as: UTF8.self))
    }
}

/// A process whose standard output is collected as it arrives.
final class RunningCommand: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var collected = Data()

    init(path: String, args: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.lock()
            self.collected.append(d)
            self.lock.unlock()
        }
        try process.run()
    }

    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Whether the output matches `pattern` by `timeout` seconds from now. The output is checked
    /// after every sleep, the last one included: on a busy runner the task may wake only after
    /// the deadline, with the match long since there.
    func waitForOutput(matching pattern: String, timeout: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if output.range(of: pattern, options: .regularExpression) != nil { return true }
            if Date() >= deadline { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Ends the process (SIGTERM, or the signal given) and waits for it.
    func stop(signal: Int32 = SIGTERM) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
    }
}

/// Written by one reader thread, read after it has finished (DispatchGroup orders the two).
final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// Starts one server for a whole suite and stops it afterwards.
struct PlinthServerTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try PlinthServer()
        try server.start()
        defer { server.cleanUp() }
        try await PlinthServer.$current.withValue(server) {
            try await function()
        }
    }
}

extension Trait where Self == PlinthServerTrait {
    static var plinthServer: PlinthServerTrait { PlinthServerTrait() }
}

func sharedServer() throws -> PlinthServer {
    guard let s = PlinthServer.current else { throw TestFailure("no shared server in scope") }
    return s
}
