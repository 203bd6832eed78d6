/// One container to start in a sandbox, as the agent resolved it from the pod spec (image, the
/// command line, environment with `valueFrom` already resolved by the agent, resource limits).
/// `attempt` counts the starts of this container in this pod, so a
/// restarted agent can recover the restart count.
public struct ContainerSpec: Sendable, Equatable {
    public var name: String
    public var image: String
    public var command: [String]
    public var args: [String]
    public var workingDir: String?
    public var env: [(name: String, value: String)]
    public var attempt: Int
    /// `resources.limits.memory` in bytes (the cgroup's memory limit).
    public var memoryLimitBytes: Int64?
    /// `resources.limits.cpu` in millicores (a CFS quota).
    public var cpuLimitMillis: Int64?
    /// `resources.requests.cpu` in millicores (CPU shares).
    public var cpuRequestMillis: Int64?
    /// The pod volumes the container sees, made beforehand with `PodRuntime.writeVolume`.
    public var mounts: [VolumeMount] = []
    /// The container reads input that `kubectl attach -i` sends; with `stdinOnce`, until the
    /// first attached client leaves.
    public var stdin = false
    public var stdinOnce = false

    public init(name: String, image: String, command: [String] = [], args: [String] = [], workingDir: String? = nil,
                env: [(name: String, value: String)] = [], attempt: Int = 0, memoryLimitBytes: Int64? = nil,
                cpuLimitMillis: Int64? = nil, cpuRequestMillis: Int64? = nil) {
        self.memoryLimitBytes = memoryLimitBytes
        self.cpuLimitMillis = cpuLimitMillis
        self.cpuRequestMillis = cpuRequestMillis
        self.name = name
        self.image = image
        self.command = command
        self.args = args
        self.workingDir = workingDir
        self.env = env
        self.attempt = attempt
    }

    public static func == (a: ContainerSpec, b: ContainerSpec) -> Bool {
        a.name == b.name && a.image == b.image && a.command == b.command && a.args == b.args && a.workingDir == b.workingDir
            && a.env.map(\.name) == b.env.map(\.name) && a.env.map(\.value) == b.env.map(\.value) && a.attempt == b.attempt
            && a.memoryLimitBytes == b.memoryLimitBytes && a.cpuLimitMillis == b.cpuLimitMillis && a.cpuRequestMillis == b.cpuRequestMillis
            && a.mounts == b.mounts && a.stdin == b.stdin && a.stdinOnce == b.stdinOnce
    }
}
