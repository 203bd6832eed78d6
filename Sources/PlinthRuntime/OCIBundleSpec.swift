import PlinthImages
import PlinthJSON

/// The OCI runtime `config.json` for one container of a pod, from its spec and its image's
/// defaults (upstream's rules: `command` replaces the image's entrypoint and drops its cmd,
/// `args` replace the cmd; env from the image, then the container's), joining the pod's
/// network, IPC and UTS namespaces by path. A pure function of its inputs.
enum OCIBundleSpec {
    /// Capabilities a container gets by default (containerd's and Docker's default set).
    static let defaultCapabilities = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ]

    struct Inputs {
        var spec: ContainerSpec
        var image: StoredImage.ContainerDefaults
        var hostname: String
        var namespaces: (net: String, ipc: String, uts: String)
        /// Files bind-mounted over the image's `/etc/hosts`, `/etc/hostname`, `/etc/resolv.conf`.
        var etcFiles: [(target: String, source: String)]
        var cgroupsPath: String
        /// Pod volumes bind-mounted into the container.
        var volumes: [(target: String, source: String, readOnly: Bool)] = []
    }

    /// The process's argv, or nil when neither the pod nor the image says what to run.
    static func argv(_ spec: ContainerSpec, _ image: StoredImage.ContainerDefaults) -> [String]? {
        let argv: [String]
        if !spec.command.isEmpty { argv = spec.command + spec.args }
        else { argv = image.entrypoint + (spec.args.isEmpty ? image.cmd : spec.args) }
        return argv.isEmpty ? nil : argv
    }

    static func environment(_ spec: ContainerSpec, _ image: StoredImage.ContainerDefaults, hostname: String) -> [String] {
        var names: [String] = []
        var values: [String: String] = [:]
        func set(_ name: String, _ value: String) {
            if values[name] == nil { names.append(name) }
            values[name] = value
        }
        set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        for entry in image.env {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            set(String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        set("HOSTNAME", hostname)
        for e in spec.env { set(e.name, e.value) }
        return names.map { "\($0)=\(values[$0]!)" }
    }

    /// `uid[:gid]` from the image's `User` when numeric; names need the image's passwd file,
    /// which is read by the caller (nil here means "look it up").
    static func numericUser(_ user: String) -> (uid: Int64, gid: Int64)? {
        if user.isEmpty { return (0, 0) }
        let parts = user.split(separator: ":")
        guard let uid = Int64(parts[0]) else { return nil }
        let gid = parts.count > 1 ? Int64(parts[1]) : uid == 0 ? 0 : uid
        return gid.map { (uid, $0) }
    }

    static func config(_ i: Inputs, argv: [String], user: (uid: Int64, gid: Int64)) -> JSON {
        let caps = JSON.array(defaultCapabilities.map { .string($0) })
        var resources: JSON = ["devices": [["allow": false, "access": "rwm"]]]
        if let bytes = i.spec.memoryLimitBytes { resources["memory"] = ["limit": .int(bytes)] }
        var cpu: JSON = [:]
        if let millis = i.spec.cpuLimitMillis { cpu["quota"] = .int(millis * 100); cpu["period"] = 100_000 }
        if let millis = i.spec.cpuRequestMillis { cpu["shares"] = .int(max(2, millis * 1024 / 1000)) }
        if cpu != [:] { resources["cpu"] = cpu }
        var mounts: [JSON] = [
            ["destination": "/proc", "type": "proc", "source": "proc"],
            ["destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]],
            ["destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]],
            ["destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]],
            ["destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]],
            ["destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]],
        ]
        for f in i.etcFiles {
            mounts.append(["destination": .string(f.target), "type": "bind", "source": .string(f.source), "options": ["rbind", "rprivate", "rw"]])
        }
        for v in i.volumes {
            mounts.append(["destination": .string(v.target), "type": "bind", "source": .string(v.source),
                           "options": ["rbind", "rprivate", v.readOnly ? "ro" : "rw"]])
        }
        return [
            "ociVersion": "1.0.2",
            "process": [
                "terminal": false,
                "user": ["uid": .int(user.uid), "gid": .int(user.gid)],
                "args": .array(argv.map { .string($0) }),
                "env": .array(environment(i.spec, i.image, hostname: i.hostname).map { .string($0) }),
                "cwd": .string(i.spec.workingDir ?? (i.image.workingDir.isEmpty ? "/" : i.image.workingDir)),
                "capabilities": ["bounding": caps, "effective": caps, "permitted": caps],
                "noNewPrivileges": false,
            ],
            "root": ["path": "rootfs", "readonly": false],
            "hostname": .string(i.hostname),
            "mounts": .array(mounts),
            "linux": [
                "resources": resources,
                "cgroupsPath": .string(i.cgroupsPath),
                "namespaces": [
                    ["type": "pid"], ["type": "mount"],
                    ["type": "network", "path": .string(i.namespaces.net)],
                    ["type": "ipc", "path": .string(i.namespaces.ipc)],
                    ["type": "uts", "path": .string(i.namespaces.uts)],
                ],
                "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
                "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
            ],
        ]
    }
}
