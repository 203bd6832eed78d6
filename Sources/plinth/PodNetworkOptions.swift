import ArgumentParser
import PlinthRuntime

/// How a host agent builds its pod network: shared by `plinth agent` and the local agent of
/// `plinth up`.
struct PodNetworkOptions: ParsableArguments {
    @Option(help: "The pod network: bridge (a Linux bridge, a veth and an address per pod from the Node's pod CIDR, routes to the other hosts' pod CIDRs, outbound NAT) or none (pods get loopback only).")
    var podNetwork: String = "bridge"

    @Option(help: "The pod network's bridge on this host (one per host, or per network namespace).")
    var podBridge: String = "plinth0"

    @Option(name: .customLong("pod-mtu"), help: "MTU of pods' interfaces (default: that of the interface holding the host's address, else 1500).")
    var podMTU: Int?

    func validate() throws {
        guard podNetwork == "bridge" || podNetwork == "none" else { throw ValidationError("--pod-network must be bridge or none") }
        if let podMTU, !(576...65535).contains(podMTU) { throw ValidationError("--pod-mtu must be between 576 and 65535") }
    }

    /// The pod network keeping its state under `directory`, or nil with `--pod-network none`.
    func network(in directory: String) throws -> BridgePodNetwork? {
        guard podNetwork == "bridge" else { return nil }
        return try BridgePodNetwork(bridge: podBridge, stateDirectory: directory + "/network", mtu: podMTU)
    }
}
