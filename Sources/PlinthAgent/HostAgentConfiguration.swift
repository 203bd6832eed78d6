import PlinthAPIMachinery

/// Who a host agent is and what it offers: the Node's name, addresses, labels and capacity,
/// and how often it heartbeats.
public struct HostAgentConfiguration: Sendable {
    public var nodeName: String
    /// The host's address for `status.addresses` (InternalIP) and pods' `hostIP`.
    public var address: String
    public var labels: [String: String]
    /// Taints the Node is registered with (`key=value:Effect`, as the kubelet's
    /// `--register-with-taints`); only set when the Node is created.
    public var taints: [Taint]
    /// `status.capacity`: cpu, memory, pods, ephemeral-storage as quantities.
    public var capacity: [String: String]
    /// What is kept back for the host itself (subtracted from capacity for `allocatable`):
    /// here nothing unless set.
    public var reserved: [String: String]
    /// How long the Node's Lease is valid without renewal (upstream default 40 s); renewed every
    /// quarter of it, as the kubelet does.
    public var leaseDurationSeconds: Int
    /// How often every pod is looked at again even without a change (status refresh, cleanup).
    public var resyncSeconds: Int
    /// The port of the agent's HTTPS endpoint the API server reaches for logs (the kubelet's
    /// 10250), reported in the Node's `daemonEndpoints`; 0 when the agent serves none.
    public var port: Int
    /// The cluster's DNS domain (the kubelet's `--cluster-domain`).
    public var clusterDomain = "cluster.local"

    public init(nodeName: String, address: String, labels: [String: String] = [:], taints: [Taint] = [], capacity: [String: String],
                reserved: [String: String] = [:], leaseDurationSeconds: Int = 40, resyncSeconds: Int = 10, port: Int = 0) {
        self.nodeName = nodeName
        self.address = address
        self.labels = labels
        self.taints = taints
        self.capacity = capacity
        self.reserved = reserved
        self.leaseDurationSeconds = leaseDurationSeconds
        self.resyncSeconds = resyncSeconds
        self.port = port
    }
}
