/// One of a container's `volumeMounts`: the pod volume `volume` (or its `subPath`) seen at
/// `containerPath`.
public struct VolumeMount: Sendable, Equatable {
    public var volume: String
    public var containerPath: String
    public var readOnly: Bool
    public var subPath: String?

    public init(volume: String, containerPath: String, readOnly: Bool = false, subPath: String? = nil) {
        self.volume = volume
        self.containerPath = containerPath
        self.readOnly = readOnly
        self.subPath = subPath
    }
}

/// What a pod volume holds, as the agent resolved it from the pod spec: an `emptyDir` (kept as it
/// is once made), or files rendered from a ConfigMap, Secret or the downward API (paths relative
/// to the volume, replaced as a whole each time).
public enum VolumeContents: Sendable, Equatable {
    case emptyDirectory
    case files([String: [UInt8]], mode: UInt16)
}
