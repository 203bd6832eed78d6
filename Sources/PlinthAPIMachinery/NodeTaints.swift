/// The taint keys Kubernetes puts on nodes by condition (upstream `v1.TaintNode…`).
public enum NodeTaints {
    public static let notReady = "node.kubernetes.io/not-ready"
    public static let unreachable = "node.kubernetes.io/unreachable"
    public static let unschedulable = "node.kubernetes.io/unschedulable"
}
