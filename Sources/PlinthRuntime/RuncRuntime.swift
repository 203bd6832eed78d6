import CHost
import Foundation
import PlinthImages
import PlinthJSON

/// Pods as OCI containers run by runc. A pod's sandbox is a directory holding its pinned
/// network, IPC and UTS namespaces (bind-mounted namespace files, so no pause process is
/// needed) and the files every container sees as `/etc/hosts`, `/etc/hostname` and
/// `/etc/resolv.conf`; each container is a runc bundle whose root is an overlay of its image's
/// layers, run by a `ContainerShim` in its own session. All state is on disk under `root`, so a
/// restarted agent finds its pods in `sandboxes()` and adopts them.
///
/// Layout: `pods/<uid>/sandbox.json`, `pods/<uid>/ns/{net,ipc,uts}`,
/// `pods/<uid>/containers/<name>/<attempt>/` (bundle, `started`, `exit`); logs in
/// `logs/<namespace>_<name>_<uid>/<container>/<attempt>.log`, as the kubelet lays out
/// `/var/log/pods`. With a `PodNetwork` each sandbox gets an interface and an address on the
/// host's pod network (recorded in `sandbox.json`); without one, loopback only.
public actor RuncRuntime: PodRuntime {
    public nonisolated let handler = "runc"
    public nonisolated let version: String
    public let root: String
    public let images: ImageStore
    let runc: String
    /// The command line that starts a shim: this binary with its `container-shim` command.
    let shimCommand: [String]
    let network: (any PodNetwork)?
    var runcRoot: String { root + "/runc" }

    public init(root: String, images: ImageStore, shimCommand: [String], network: (any PodNetwork)? = nil) throws {
        guard let runc = HostCommand.find("runc") else { throw RuncRuntimeError("runc is not installed (apt-get install runc)") }
        self.root = root
        self.images = images
        self.runc = runc
        self.shimCommand = shimCommand
        self.network = network
        let v = (try? HostCommand.runBlocking(runc, ["--version"]).output) ?? ""
        let number = v.split(separator: "\n").first?.split(separator: " ").dropFirst(2).first.map(String.init) ?? "unknown"
        version = "runc://" + (number.split(separator: "+").first.map(String.init) ?? number)
        for dir in ["pods", "logs", "runc"] { try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true) }
        // Pods' directories hold their Secrets' files: for root only (containers see only their mounts).
        chmod(root + "/pods", 0o700)
    }

    /// Why this host cannot run runc containers (not root, or a tool missing), if it cannot.
    public static func unavailableReason() -> String? {
        if getuid() != 0 { return "not running as root" }
        for (tool, package) in [("runc", "runc"), ("unshare", "util-linux"), ("nsenter", "util-linux"), ("ip", "iproute2")]
        where HostCommand.find(tool) == nil {
            return "\(tool) not found (apt-get install \(package))"
        }
        return nil
    }

    func podDir(_ uid: String) -> String { root + "/pods/" + uid }

    // MARK: Images

    public func ensureImage(_ image: String, policy: ImagePullPolicy, credentials: [String: RegistryClient.Credentials]) async throws -> ImagePullOutcome {
        if policy != .always, let present = await images.image(image) { return ImagePullOutcome(pulled: false, size: present.size) }
        guard policy != .never else {
            throw ImagePullError(.errImageNeverPull, "Container image \"\(image)\" is not present with pull policy of Never")
        }
        do {
            let ref = try ImageReference(image)
            let pulled = try await images.pull(image, credentials: credentials[ref.registry])
            return ImagePullOutcome(pulled: true, size: pulled.size)
        } catch {
            throw ImagePullError(.errImagePull, "\(error)")
        }
    }

    // MARK: Sandboxes

    struct SandboxRecord: Codable {
        var podUID: String
        var namespace: String
        var name: String
        var hostname: String
        var createdAt: Int64
        /// The pod's address on the pod network (nil: loopback only).
        var ip: String?
    }

    public func runSandbox(_ spec: PodSandboxSpec) async throws -> SandboxStatus {
        let dir = podDir(spec.podUID)
        if let existing = try status(ofPodDir: dir) { return existing }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/ns", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/etc", withIntermediateDirectories: true)
        for ns in ["net", "ipc", "uts"] where !fm.fileExists(atPath: dir + "/ns/" + ns) { fm.createFile(atPath: dir + "/ns/" + ns, contents: nil) }
        guard let unshare = HostCommand.find("unshare"), let nsenter = HostCommand.find("nsenter"), let ip = HostCommand.find("ip") else {
            throw RuncRuntimeError("unshare, nsenter and ip are needed for pod sandboxes (util-linux, iproute2)")
        }
        let address: String?
        do {
            try await HostCommand.run(unshare, ["--net=\(dir)/ns/net", "--ipc=\(dir)/ns/ipc", "--uts=\(dir)/ns/uts", "true"])
            if let network {
                address = try await network.attach(podUID: spec.podUID, namespacePath: dir + "/ns/net")
            } else {
                try await HostCommand.run(nsenter, ["--net=\(dir)/ns/net", ip, "link", "set", "lo", "up"])
                address = nil
            }
        } catch {
            // Half a sandbox is taken apart, so the next attempt starts clean.
            try? await network?.detach(podUID: spec.podUID)
            for ns in ["net", "ipc", "uts"] { umount2(dir + "/ns/" + ns, Int32(MNT_DETACH)) }
            try? fm.removeItem(atPath: dir)
            throw error
        }
        try "\(spec.hostname)\n".write(toFile: dir + "/etc/hostname", atomically: true, encoding: .utf8)
        try "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\(address ?? "127.0.1.1")\t\(spec.hostname)\n"
            .write(toFile: dir + "/etc/hosts", atomically: true, encoding: .utf8)
        try (spec.dns?.resolvConf ?? "nameserver 127.0.0.1\noptions ndots:5\n").write(toFile: dir + "/etc/resolv.conf", atomically: true, encoding: .utf8)
        let record = SandboxRecord(podUID: spec.podUID, namespace: spec.namespace, name: spec.name, hostname: spec.hostname,
                                   createdAt: Int64(Date().timeIntervalSince1970), ip: address)
        // Written last: a sandbox without its record is half made and is removed, not adopted.
        try JSONEncoder().encode(record).write(to: URL(fileURLWithPath: dir + "/sandbox.json"))
        return SandboxStatus(podUID: spec.podUID, namespace: spec.namespace, name: spec.name, ip: address, createdAt: record.createdAt, containers: [])
    }

    public func sandboxes() throws -> [SandboxStatus] {
        let uids = (try? FileManager.default.contentsOfDirectory(atPath: root + "/pods")) ?? []
        return try uids.compactMap { try status(ofPodDir: podDir($0)) }
    }

    func record(_ dir: String) -> SandboxRecord? {
        FileManager.default.contents(atPath: dir + "/sandbox.json").flatMap { try? JSONDecoder().decode(SandboxRecord.self, from: $0) }
    }

    /// The sandbox in `dir` with the newest attempt of each container, or nil when there is none.
    func status(ofPodDir dir: String) throws -> SandboxStatus? {
        guard let r = record(dir) else { return nil }
        let fm = FileManager.default
        var containers: [RuntimeContainerStatus] = []
        for name in (try? fm.contentsOfDirectory(atPath: dir + "/containers")) ?? [] {
            let attempts = ((try? fm.contentsOfDirectory(atPath: dir + "/containers/" + name)) ?? []).compactMap { Int($0) }
            guard let newest = attempts.max() else { continue }
            if var c = containerStatus(dir + "/containers/\(name)/\(newest)", podUID: r.podUID, name: name, attempt: newest) {
                if let before = attempts.filter({ $0 < newest }).max() {
                    c.previous = containerStatus(dir + "/containers/\(name)/\(before)", podUID: r.podUID, name: name, attempt: before)?.state
                }
                containers.append(c)
            }
        }
        return SandboxStatus(podUID: r.podUID, namespace: r.namespace, name: r.name, ip: r.ip, createdAt: r.createdAt, containers: containers)
    }

    struct ContainerRecord: Codable {
        var image: String
        var imageID: String
    }

    func containerStatus(_ bundle: String, podUID: String, name: String, attempt: Int) -> RuntimeContainerStatus? {
        let fm = FileManager.default
        guard let data = fm.contents(atPath: bundle + "/container.json"),
              let r = try? JSONDecoder().decode(ContainerRecord.self, from: data) else { return nil }
        let id = "runc://" + Self.containerID(podUID: podUID, name: name, attempt: attempt)
        func read(_ file: String) -> [Int64]? {
            (try? String(contentsOfFile: bundle + "/" + file, encoding: .utf8)).map { $0.split(separator: " ").compactMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
        }
        let state: RuntimeContainerStatus.State
        if let exit = read("exit"), exit.count == 2 {
            let started = read("started")?.first ?? exit[1]
            let code = Int32(truncatingIfNeeded: exit[0])
            state = .exited(code: code, reason: code == 0 ? "Completed" : "Error", startedAt: started / 1_000_000_000, finishedAt: exit[1] / 1_000_000_000)
        } else if let started = read("started")?.first {
            state = .running(startedAt: started / 1_000_000_000)
        } else {
            state = .created
        }
        return RuntimeContainerStatus(id: id, name: name, image: r.image, imageID: r.imageID, attempt: attempt, state: state)
    }

    static func containerID(podUID: String, name: String, attempt: Int) -> String { "\(podUID)-\(name)-\(attempt)" }

    // MARK: Containers

    public func startContainer(_ spec: ContainerSpec, podUID: String) async throws -> RuntimeContainerStatus {
        let dir = podDir(podUID)
        guard let sandbox = record(dir) else { throw RuncRuntimeError("no sandbox for pod \(podUID)") }
        guard let image = await images.image(spec.image) else { throw RuncRuntimeError("image \"\(spec.image)\" is not present") }
        let bundle = dir + "/containers/\(spec.name)/\(spec.attempt)"
        if let existing = containerStatus(bundle, podUID: podUID, name: spec.name, attempt: spec.attempt) { return existing }
        guard let argv = OCIBundleSpec.argv(spec, image.config) else {
            throw RuncRuntimeError("no command specified")
        }
        let lowers = image.diffIDs.reversed().compactMap { images.layerPath($0) }
        guard !lowers.isEmpty else { throw RuncRuntimeError("image \"\(spec.image)\" has no layers") }
        // A bundle left half made by an earlier failed start may still have its root mounted.
        let fm = FileManager.default
        umount2(bundle + "/rootfs", Int32(MNT_DETACH))
        try? fm.removeItem(atPath: bundle)
        for sub in ["rootfs", "upper", "work"] { try fm.createDirectory(atPath: bundle + "/" + sub, withIntermediateDirectories: true) }
        let options = "lowerdir=\(lowers.joined(separator: ":")),upperdir=\(bundle)/upper,workdir=\(bundle)/work"
        if mount("overlay", bundle + "/rootfs", "overlay", 0, options) != 0 {
            throw RuncRuntimeError("mounting the root filesystem of \(spec.name): \(String(cString: strerror(errno)))")
        }
        let user = OCIBundleSpec.numericUser(image.config.user) ?? Self.lookupUser(image.config.user, rootfs: bundle + "/rootfs") ?? (0, 0)
        let id = Self.containerID(podUID: podUID, name: spec.name, attempt: spec.attempt)
        let inputs = OCIBundleSpec.Inputs(spec: spec, image: image.config, hostname: sandbox.hostname,
                                          namespaces: (dir + "/ns/net", dir + "/ns/ipc", dir + "/ns/uts"),
                                          etcFiles: ["hosts", "hostname", "resolv.conf"].map { ("/etc/" + $0, dir + "/etc/" + $0) },
                                          cgroupsPath: "/plinth/pod\(podUID)/\(id)",
                                          volumes: try spec.mounts.map { m in
                                              guard Self.isPlainName(m.volume) else { throw RuncRuntimeError("volume name \(m.volume) is not a plain name") }
                                              var source = dir + "/volumes/" + m.volume
                                              guard FileManager.default.fileExists(atPath: source) else {
                                                  throw RuncRuntimeError("volume \(m.volume) of pod \(podUID) was not made")
                                              }
                                              if let sub = m.subPath, !sub.isEmpty {
                                                  // As upstream's validation: a subPath stays inside its volume.
                                                  guard !sub.hasPrefix("/"), !sub.split(separator: "/").contains("..") else {
                                                      throw RuncRuntimeError("subPath \(sub) of volume \(m.volume) leaves the volume")
                                                  }
                                                  source += "/" + sub
                                                  if !FileManager.default.fileExists(atPath: source) {
                                                      try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
                                                  }
                                                  // A symlink a container left in its volume must not lead the mount out of it.
                                                  let volumeRoot = (dir + "/volumes/" + m.volume as NSString).resolvingSymlinksInPath
                                                  let resolved = (source as NSString).resolvingSymlinksInPath
                                                  guard resolved.hasPrefix(volumeRoot + "/") else {
                                                      throw RuncRuntimeError("subPath \(sub) of volume \(m.volume) leaves the volume")
                                                  }
                                                  source = resolved
                                              }
                                              return (m.containerPath, source, m.readOnly)
                                          })
        try OCIBundleSpec.config(inputs, argv: argv, user: user).serialized().withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: bundle + "/config.json")) }
        let imageID = image.repoDigests.first ?? image.id
        try JSONEncoder().encode(ContainerRecord(image: spec.image, imageID: imageID)).write(to: URL(fileURLWithPath: bundle + "/container.json"))
        let log = logPath(sandbox, container: spec.name, attempt: spec.attempt)
        guard let setsid = HostCommand.find("setsid") else { throw RuncRuntimeError("setsid is needed to start container shims (util-linux)") }
        // setsid -f returns once the shim is forked into its own session; the shim's output goes to shim.log.
        var shimArguments = ["--runc", runc, "--runc-root", runcRoot, "--bundle", bundle, "--id", id, "--log", log]
        if spec.stdin {
            try fm.createDirectory(atPath: root + "/attach", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            shimArguments += ["--stdin-socket", stdinSocket(id: id)] + (spec.stdinOnce ? ["--stdin-once"] : [])
        }
        try await HostCommand.run(setsid, ["-f", "sh", "-c", "exec \"$@\" </dev/null >>\"$0\" 2>&1", bundle + "/shim.log"]
                                  + shimCommand + shimArguments, captureOutput: false)
        // The shim marks the container started once runc runs it; wait briefly so the status says so.
        for _ in 0..<100 where !fm.fileExists(atPath: bundle + "/started") { try await Task.sleep(for: .milliseconds(10)) }
        return containerStatus(bundle, podUID: podUID, name: spec.name, attempt: spec.attempt)
            ?? RuntimeContainerStatus(id: "runc://" + id, name: spec.name, image: spec.image, imageID: imageID, attempt: spec.attempt, state: .created)
    }

    /// Where the shim of container run `id` takes stdin: a short name under the runtime's root,
    /// since unix socket paths are limited to 107 bytes.
    func stdinSocket(id: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        return root + "/attach/" + String(hash, radix: 16) + ".sock"
    }

    /// The bundle directory and runc id of the container's newest run.
    func newestRun(podUID: String, container: String) -> (bundle: String, id: String)? {
        let dir = podDir(podUID) + "/containers/" + container
        guard let attempt = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).compactMap({ Int($0) }).max() else { return nil }
        return (dir + "/\(attempt)", Self.containerID(podUID: podUID, name: container, attempt: attempt))
    }

    public func execSync(podUID: String, container: String, command: [String], timeout: Duration) async throws -> ExecResult {
        guard let run = newestRun(podUID: podUID, container: container) else { throw RuncRuntimeError("container \(container) of pod \(podUID) not found") }
        guard let timeoutTool = HostCommand.find("timeout") else { throw RuncRuntimeError("timeout (coreutils) not found") }
        let seconds = max(1, timeout.components.seconds)
        let (code, output) = try await HostCommand.run(timeoutTool, ["-s", "KILL", "\(seconds)s", runc, "--root", runcRoot, "exec", run.id] + command,
                                                        allowFailure: true)
        return ExecResult(exitCode: code, output: output, timedOut: code == 137 || code == 128 + 9)
    }

    public func writeVolume(podUID: String, name: String, _ contents: VolumeContents) throws {
        let fm = FileManager.default
        guard Self.isPlainName(name) else { throw RuncRuntimeError("volume name \(name) is not a plain name") }
        let dir = podDir(podUID) + "/volumes/" + name
        switch contents {
        case .emptyDirectory:
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        case .files(let files, let mode):
            // Made beside, then moved in (the first time, the whole directory at once).
            let fresh = dir + ".new"
            try? fm.removeItem(atPath: fresh)
            try fm.createDirectory(atPath: fresh, withIntermediateDirectories: true)
            for (path, bytes) in files {
                guard !path.split(separator: "/").contains("..") else { throw RuncRuntimeError("volume \(name): path \(path) leaves the volume") }
                let target = fresh + "/" + path
                try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard fm.createFile(atPath: target, contents: Data(bytes), attributes: [.posixPermissions: Int(mode)]) else {
                    throw RuncRuntimeError("volume \(name): cannot write \(path)")
                }
            }
            if fm.fileExists(atPath: dir) {
                // A mounted volume keeps its directory: its contents are replaced instead.
                for old in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] { try fm.removeItem(atPath: dir + "/" + old) }
                for new in try fm.contentsOfDirectory(atPath: fresh) { try fm.moveItem(atPath: fresh + "/" + new, toPath: dir + "/" + new) }
                try fm.removeItem(atPath: fresh)
            } else {
                try fm.moveItem(atPath: fresh, toPath: dir)
            }
        }
    }

    /// A single path element (volume names are DNS labels upstream; never `..` or a path).
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/")
    }

    public func exec(podUID: String, container: String, _ request: ExecRequest) throws -> any ExecSession {
        guard let run = newestRun(podUID: podUID, container: container),
              FileManager.default.fileExists(atPath: run.bundle + "/started"),
              !FileManager.default.fileExists(atPath: run.bundle + "/exit") else {
            throw RuncRuntimeError("container not found (\"\(container)\")")
        }
        // runc's own messages go to a log, not into the command's stderr.
        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("plinth-exec-\(UUID().uuidString.prefix(13))")
        var arguments = ["--root", runcRoot, "--log", scratch + ".log", "--log-format", "json", "exec"]
        if request.tty { arguments += ["--tty", "--env", "TERM=xterm"] }
        return try HostExecSession(path: runc, arguments: arguments + [run.id] + request.command, tty: request.tty,
                                   stdin: request.stdin, toolLog: scratch + ".log")
    }

    public func attach(podUID: String, container: String, stdin: Bool) throws -> any ExecSession {
        guard let run = newestRun(podUID: podUID, container: container),
              FileManager.default.fileExists(atPath: run.bundle + "/started"),
              !FileManager.default.fileExists(atPath: run.bundle + "/exit"),
              let log = logFile(podUID: podUID, container: container, previous: false) else {
            throw RuncRuntimeError("container not found (\"\(container)\")")
        }
        let socket = stdinSocket(id: run.id)
        return try ContainerAttachSession(log: log, stdinSocket: stdin && FileManager.default.fileExists(atPath: socket) ? socket : nil)
    }

    public func portForward(podUID: String, port: UInt16) async throws -> Int32 {
        let namespace = podDir(podUID) + "/ns/net"
        guard FileManager.default.fileExists(atPath: namespace) else { throw RuncRuntimeError("pod sandbox \(podUID) not found") }
        return try await NetworkNamespace(path: namespace).connect(port: port)
    }

    public func stopContainer(podUID: String, container: String, gracePeriod: Duration) async throws {
        guard let run = newestRun(podUID: podUID, container: container),
              !FileManager.default.fileExists(atPath: run.bundle + "/exit") else { return }
        _ = try? await HostCommand.run(runc, ["--root", runcRoot, "kill", run.id, "TERM"], allowFailure: true)
        let deadline = ContinuousClock.now + gracePeriod
        while !FileManager.default.fileExists(atPath: run.bundle + "/exit") && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if !FileManager.default.fileExists(atPath: run.bundle + "/exit") {
            _ = try? await HostCommand.run(runc, ["--root", runcRoot, "kill", "--all", run.id, "KILL"], allowFailure: true)
        }
    }

    public func logFile(podUID: String, container: String, previous: Bool) -> ContainerLogFile? {
        let dir = podDir(podUID)
        guard let r = record(dir) else { return nil }
        let attempts = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/containers/" + container)) ?? []).compactMap { Int($0) }.sorted()
        // The previous run is the kubelet's lastState.terminated: the newest run that ended,
        // which is the newest of all while a crashed container waits for its restart.
        let newestEnded = attempts.last.map { FileManager.default.fileExists(atPath: dir + "/containers/\(container)/\($0)/exit") } ?? false
        guard let attempt = previous ? (newestEnded ? attempts.last : attempts.dropLast().last) : attempts.last else { return nil }
        let path = logPath(r, container: container, attempt: attempt)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return ContainerLogFile(path: path, exitMarker: dir + "/containers/\(container)/\(attempt)/exit")
    }

    func logPath(_ s: SandboxRecord, container: String, attempt: Int) -> String {
        root + "/logs/\(s.namespace)_\(s.name)_\(s.podUID)/\(container)/\(attempt).log"
    }

    /// A user name's uid and primary gid from the image's `/etc/passwd` (a `:group` part is not
    /// looked up yet).
    static func lookupUser(_ user: String, rootfs: String) -> (uid: Int64, gid: Int64)? {
        let name = user.split(separator: ":").first.map(String.init) ?? user
        guard let passwd = try? String(contentsOfFile: rootfs + "/etc/passwd", encoding: .utf8) else { return nil }
        for line in passwd.split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            if f.count > 3, f[0] == name, let uid = Int64(f[2]), let gid = Int64(f[3]) { return (uid, gid) }
        }
        return nil
    }

    // MARK: Removal

    public func removeSandbox(podUID: String, gracePeriod: Duration) async throws {
        let dir = podDir(podUID)
        guard FileManager.default.fileExists(atPath: dir) else { return }
        let bundles = self.bundles(dir)
        let running = bundles.filter { !FileManager.default.fileExists(atPath: $0.path + "/exit") && FileManager.default.fileExists(atPath: $0.path + "/started") }
        for b in running { _ = try? await HostCommand.run(runc, ["--root", runcRoot, "kill", b.id, "TERM"], allowFailure: true) }
        let deadline = ContinuousClock.now + gracePeriod
        while running.contains(where: { !FileManager.default.fileExists(atPath: $0.path + "/exit") }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for b in running where !FileManager.default.fileExists(atPath: b.path + "/exit") {
            _ = try? await HostCommand.run(runc, ["--root", runcRoot, "kill", "--all", b.id, "KILL"], allowFailure: true)
        }
        let killDeadline = ContinuousClock.now + .seconds(5)
        while running.contains(where: { !FileManager.default.fileExists(atPath: $0.path + "/exit") }) && ContinuousClock.now < killDeadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for b in bundles {
            _ = try? await HostCommand.run(runc, ["--root", runcRoot, "delete", "--force", b.id], allowFailure: true)
            umount2(b.path + "/rootfs", Int32(MNT_DETACH))
        }
        try? await network?.detach(podUID: podUID)
        for ns in ["net", "ipc", "uts"] { umount2(dir + "/ns/" + ns, Int32(MNT_DETACH)) }
        if let r = record(dir) { try? FileManager.default.removeItem(atPath: root + "/logs/\(r.namespace)_\(r.name)_\(r.podUID)") }
        try FileManager.default.removeItem(atPath: dir)
    }

    func bundles(_ dir: String) -> [(path: String, id: String)] {
        let fm = FileManager.default
        var result: [(String, String)] = []
        let podUID = (dir as NSString).lastPathComponent
        for name in (try? fm.contentsOfDirectory(atPath: dir + "/containers")) ?? [] {
            for attempt in ((try? fm.contentsOfDirectory(atPath: dir + "/containers/" + name)) ?? []).compactMap({ Int($0) }) {
                result.append((dir + "/containers/\(name)/\(attempt)", Self.containerID(podUID: podUID, name: name, attempt: attempt)))
            }
        }
        return result
    }
}

/// Why the runc runtime refused a call.
public struct RuncRuntimeError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
