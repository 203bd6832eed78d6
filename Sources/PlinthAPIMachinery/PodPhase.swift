import PlinthJSON

/// Facts about a pod's `status.phase` that several parts act on.
public enum PodPhase {
    /// Succeeded or Failed (upstream `IsPodPhaseTerminal`): the pod will not run again, holds
    /// no resources on its node and none against quota.
    public static func isTerminal(_ pod: JSON) -> Bool {
        let phase = pod.string("status", "phase")
        return phase == "Succeeded" || phase == "Failed"
    }
}
