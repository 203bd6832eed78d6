/// Names of the nftables tables a host's pod network owns, one set per bridge:
/// `plinth_<bridge>` (NAT), `plinth_services_<bridge>`, `plinth_policy_<bridge>`. nftables
/// names are identifiers, so the bridge's name has anything else made `_`.
enum NFTablesName {
    static func table(_ purpose: String?, bridge: String) -> String {
        let identifier = String(bridge.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return "plinth_" + (purpose.map { $0 + "_" } ?? "") + identifier
    }
}
