import Foundation
import PlinthJSON

/// Printers of kinds outside core, apps and batch.
extension TablePrinter {
    static let lease = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Holder", description: "holderIdentity contains the identity of the holder of a current lease."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            [TableCells.name(o), .string(TableCells.str(o["spec"]?["holderIdentity"])), TableCells.age(o, now)]
        })

    /// RoleBinding and ClusterRoleBinding: Name, Role ("Kind/name"), Age; wide Users, Groups,
    /// ServiceAccounts ("namespace/name"), each joined with ", ".
    static func roleBinding(what: String) -> TablePrinter {
        TablePrinter(
            columns: [
                TableDocs.nameColumn,
                TableColumn(name: "Role", description: "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error."),
                TableDocs.ageColumn,
                TableColumn(name: "Users", description: "Users in the \(what)", priority: 1),
                TableColumn(name: "Groups", description: "Groups in the \(what)", priority: 1),
                TableColumn(name: "ServiceAccounts", description: "ServiceAccounts in the \(what)", priority: 1),
            ],
            cells: { o, now in
                typealias C = TableCells
                let ref = o["roleRef"]
                var users: [String] = []
                var groups: [String] = []
                var sas: [String] = []
                for s in C.list(o["subjects"]) {
                    switch C.str(s["kind"]) {
                    case "ServiceAccount": sas.append(C.str(s["namespace"]) + "/" + C.str(s["name"]))
                    case "User": users.append(C.str(s["name"]))
                    case "Group": groups.append(C.str(s["name"]))
                    default: break
                    }
                }
                return [
                    C.name(o), .string(C.str(ref?["kind"]) + "/" + C.str(ref?["name"])), C.age(o, now),
                    .string(users.joined(separator: ", ")), .string(groups.joined(separator: ", ")),
                    .string(sas.joined(separator: ", ")),
                ]
            })
    }

    static let storageClass = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Provisioner", description: "provisioner indicates the type of the provisioner."),
            TableColumn(name: "ReclaimPolicy", description: "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
            TableColumn(name: "VolumeBindingMode", description: "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used."),
            TableColumn(name: "AllowVolumeExpansion", description: "allowVolumeExpansion shows whether the storage class allow volume expand."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            typealias C = TableCells
            var name = C.str(o["metadata"]?["name"])
            let annotations = o["metadata"]?["annotations"]
            if C.str(annotations?["storageclass.kubernetes.io/is-default-class"]) == "true"
                || C.str(annotations?["storageclass.beta.kubernetes.io/is-default-class"]) == "true" {
                name += " (default)"
            }
            return [
                .string(name), .string(C.str(o["provisioner"])), .string(o["reclaimPolicy"]?.stringValue ?? "Delete"),
                .string(o["volumeBindingMode"]?.stringValue ?? "Immediate"),
                .bool(o["allowVolumeExpansion"]?.boolValue ?? false), C.age(o, now),
            ]
        })

    static let networkPolicy = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Pod-Selector", description: "Selects the pods to which this NetworkPolicy object applies."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            // podSelector is a struct upstream, never nil: a missing one selects everything.
            let sel = o["spec"]?["podSelector"] ?? .object(JSONObject())
            return [TableCells.name(o), .string(TableCells.formatLabelSelector(sel.isNull ? .object(JSONObject()) : sel)),
                    TableCells.age(o, now)]
        })

    static let ingress = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Class", description: "The name of the IngressClass resource that should be used for additional configuration"),
            TableColumn(name: "Hosts", description: "Hosts that incoming requests are matched against before the ingress rule"),
            TableColumn(name: "Address", description: "Address is a list containing ingress points for the load-balancer"),
            TableColumn(name: "Ports", description: "Ports of TLS configurations that open"),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            typealias C = TableCells
            let spec = o["spec"]
            let rules = C.list(spec?["rules"])
            var hosts: [String] = []
            let max = 3
            var more = false
            for rule in rules {
                if hosts.count == max { more = true }
                let host = C.str(rule["host"])
                if !more && !host.isEmpty { hosts.append(host) }
            }
            var hostText = hosts.isEmpty ? "*" : hosts.joined(separator: ",")
            if more { hostText += " + \(rules.count - max) more..." }
            let ports = C.list(spec?["tls"]).isEmpty ? "80" : "80, 443"
            return [
                C.name(o), .string(spec?["ingressClassName"]?.stringValue ?? "<none>"), .string(hostText),
                .string(C.loadBalancerIngress(o["status"]?["loadBalancer"])), .string(ports), C.age(o, now),
            ]
        })

    static let ingressClass = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Controller", description: "Controller that is responsible for handling this class"),
            TableColumn(name: "Parameters", description: "A reference to a resource with additional parameters"),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            typealias C = TableCells
            var parameters = "<none>"
            if let p = o["spec"]?["parameters"], p.objectValue != nil {
                parameters = C.str(p["kind"])
                if let g = p["apiGroup"]?.stringValue { parameters += "." + g }
                parameters += "/" + C.str(p["name"])
            }
            return [C.name(o), .string(C.str(o["spec"]?["controller"])), .string(parameters), C.age(o, now)]
        })

    static let runtimeClass = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Handler", description: "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in [TableCells.name(o), .string(TableCells.str(o["handler"])), TableCells.age(o, now)] })

    static let endpointSlice = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "AddressType", description: "addressType specifies the type of address carried by this EndpointSlice."),
            TableColumn(name: "Ports", description: "ports specifies the list of network ports exposed by each endpoint in this slice."),
            TableColumn(name: "Endpoints", description: "endpoints is a list of unique endpoints in this slice."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            typealias C = TableCells
            let max = 3
            var ports: [String] = []
            var more = false
            var count = 0
            for p in C.list(o["ports"]) {
                if ports.count < max {
                    if let n = p["port"]?.intValue {
                        ports.append(String(n))
                    } else if let name = p["name"]?.stringValue {
                        ports.append(name)
                    } else {
                        ports.append("*")
                    }
                } else if ports.count == max {
                    more = true
                }
                count += 1
            }
            var addresses: [String] = []
            var moreAddresses = false
            var addressCount = 0
            for e in C.list(o["endpoints"]) {
                for a in C.list(e["addresses"]) {
                    if addresses.count < max {
                        addresses.append(C.str(a))
                    } else if addresses.count == max {
                        moreAddresses = true
                    }
                    addressCount += 1
                }
            }
            return [
                C.name(o), .string(C.str(o["addressType"])),
                .string(C.listWithMore(ports, more: more, count: count, max: max)),
                .string(C.listWithMore(addresses, more: moreAddresses, count: addressCount, max: max)), C.age(o, now),
            ]
        })

    static let podDisruptionBudget = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Min Available", description: "The minimum number of pods that must be available."),
            TableColumn(name: "Max Unavailable", description: "The maximum number of pods that may be unavailable."),
            TableColumn(name: "Allowed Disruptions", type: "integer", description: "Calculated number of pods that may be disrupted at this time."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            typealias C = TableCells
            let spec = o["spec"]
            func intOrString(_ v: JSON?) -> String { C.isSet(v) ? C.scalarText(v) : "N/A" }
            return [
                C.name(o), .string(intOrString(spec?["minAvailable"])), .string(intOrString(spec?["maxUnavailable"])),
                .int(C.int(o["status"]?["disruptionsAllowed"])), C.age(o, now),
            ]
        })

    static let priorityClass = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Value", type: "integer", description: "value represents the integer value of this priority class."),
            TableColumn(name: "Global-Default", type: "boolean", description: "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
            TableDocs.ageColumn,
            TableColumn(name: "PreemptionPolicy", description: "preemptionPolicy is the Policy for preempting pods with lower priority."),
        ],
        cells: { o, now in
            [TableCells.name(o), .int(TableCells.int(o["value"])), .bool(o["globalDefault"]?.boolValue ?? false),
             TableCells.age(o, now), .string(TableCells.str(o["preemptionPolicy"]))]
        })

    static let webhookConfiguration = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Webhooks", type: "integer", description: "Webhooks indicates the number of webhooks registered in this configuration"),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            [TableCells.name(o), .int(Int64(TableCells.list(o["webhooks"]).count)), TableCells.age(o, now)]
        })
}
