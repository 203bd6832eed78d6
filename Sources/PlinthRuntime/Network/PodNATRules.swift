import PlinthAPIMachinery

/// The nftables table that gives pods outbound NAT: traffic from this host's pods to anything
/// but a pod network leaves with the host's address (masquerade), so the host's network needs
/// no routes back to pod subnets; pod-to-pod traffic keeps its addresses. One table per bridge,
/// replaced whole in one transaction whenever the set of pod networks changes.
struct PodNATRules: Equatable {
    let table: String
    let podCIDR: IPv4Subnet
    /// Every pod network traffic goes to unchanged: this host's and the routed peers'.
    let podNetworks: [IPv4Subnet]

    init(bridge: String, podCIDR: IPv4Subnet, podNetworks: [IPv4Subnet]) {
        table = NFTablesName.table(nil, bridge: bridge)
        self.podCIDR = podCIDR
        self.podNetworks = podNetworks
    }

    /// The script for `nft -f -`: creating the table first makes deleting it valid when it is new.
    var script: String {
        let destinations = ([podCIDR] + podNetworks.filter { $0 != podCIDR }).map(\.description).joined(separator: ", ")
        return """
        table ip \(table) {}
        delete table ip \(table)
        table ip \(table) {
            chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                ip saddr \(podCIDR) ip daddr != { \(destinations) } masquerade
            }
        }

        """
    }
}
