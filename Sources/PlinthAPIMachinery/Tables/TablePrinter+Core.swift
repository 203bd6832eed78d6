import Foundation
import PlinthJSON

/// Printers of core/v1 kinds other than Pod.
extension TablePrinter {
    static let podTemplate = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Containers", description: TableDocs.containers),
            TableColumn(name: "Images", description: TableDocs.images),
            TableColumn(name: "Pod Labels", description: "The labels for the pod template."),
        ],
        cells: { o, _ in
            let template = o["template"]
            let (names, images) = TableCells.containerCells(TableCells.list(template?["spec"]?["containers"]))
            return [TableCells.name(o), .string(names), .string(images),
                    .string(TableCells.formatLabels(template?["metadata"]?["labels"]))]
        })

    static let namespace = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Status", description: "The status of the namespace"),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            [TableCells.name(o), .string(TableCells.str(o["status"]?["phase"])), TableCells.age(o, now)]
        })

    static let configMap = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Data", description: "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            let n = TableCells.map(o["data"]).count + TableCells.map(o["binaryData"]).count
            return [TableCells.name(o), .int(Int64(n)), TableCells.age(o, now)]
        })

    static let secret = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Type", description: "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
            TableColumn(name: "Data", description: "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            // stringData is merged into data on write upstream; count both in case it was not.
            var keys = Set(TableCells.map(o["data"]).keys)
            for k in TableCells.map(o["stringData"]).keys { keys.insert(k) }
            return [TableCells.name(o), .string(TableCells.str(o["type"])), .int(Int64(keys.count)), TableCells.age(o, now)]
        })

    /// Kubernetes 1.33 still prints the Secrets count (removed in 1.35).
    static let serviceAccount = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Secrets", description: "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            [TableCells.name(o), .int(Int64(TableCells.list(o["secrets"]).count)), TableCells.age(o, now)]
        })

    static let service = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Type", description: "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
            TableColumn(name: "Cluster-IP", description: "clusterIP is the IP address of the service and is usually assigned randomly."),
            TableColumn(name: "External-IP", description: "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            TableColumn(name: "Port(s)", description: "The list of ports that are exposed by this service."),
            TableDocs.ageColumn,
            TableColumn(name: "Selector", description: "Route service traffic to pods with label keys and values matching this selector.", priority: 1),
        ],
        cells: serviceCells)

    @Sendable static func serviceCells(_ o: JSON, _ now: Date) -> [JSON] {
        typealias C = TableCells
        let spec = o["spec"]
        var type = C.str(spec?["type"])
        if type.isEmpty { type = "ClusterIP" }  // the API default
        var clusterIP = C.str(C.list(spec?["clusterIPs"]).first)
        if clusterIP.isEmpty { clusterIP = C.str(spec?["clusterIP"]) }
        if clusterIP.isEmpty { clusterIP = "<none>" }
        let externalIPs = C.list(spec?["externalIPs"]).map { C.str($0) }
        let external: String
        switch type {
        case "ClusterIP", "NodePort":
            external = externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
        case "LoadBalancer":
            let lb = C.loadBalancerIngress(o["status"]?["loadBalancer"])
            if !externalIPs.isEmpty {
                var all: [String] = lb.isEmpty ? [] : lb.split(separator: ",").map(String.init)
                all.append(contentsOf: externalIPs)
                external = all.joined(separator: ",")
            } else {
                external = lb.isEmpty ? "<pending>" : lb
            }
        case "ExternalName":
            external = C.str(spec?["externalName"])
        default:
            external = "<unknown>"
        }
        var ports = C.list(spec?["ports"]).map { p -> String in
            var proto = C.str(p["protocol"])
            if proto.isEmpty { proto = "TCP" }
            let port = C.int(p["port"])
            let nodePort = C.int(p["nodePort"])
            return nodePort > 0 ? "\(port):\(nodePort)/\(proto)" : "\(port)/\(proto)"
        }.joined(separator: ",")
        if ports.isEmpty { ports = "<none>" }
        return [C.name(o), .string(type), .string(clusterIP), .string(external), .string(ports), C.age(o, now),
                .string(C.formatLabels(spec?["selector"]))]
    }

    static let endpoints = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Endpoints", description: "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in [TableCells.name(o), .string(formatEndpoints(o)), TableCells.age(o, now)] })

    /// `formatEndpoints` with all ports: up to three "ip:port" (or bare IPs for port-less
    /// subsets), then "+ N more...".
    static func formatEndpoints(_ o: JSON) -> String {
        typealias C = TableCells
        let subsets = C.list(o["subsets"])
        if subsets.isEmpty { return "<none>" }
        var list: [String] = []
        let max = 3
        var more = false
        var count = 0
        for ss in subsets {
            let addresses = C.list(ss["addresses"])
            let ports = C.list(ss["ports"])
            if ports.isEmpty {
                count += addresses.count
                for a in addresses {
                    if list.count == max { more = true; break }
                    list.append(C.str(a["ip"]))
                }
                continue
            }
            for p in ports {
                count += addresses.count
                for a in addresses {
                    if list.count == max { more = true; break }
                    list.append(C.joinHostPort(C.str(a["ip"]), C.int(p["port"])))
                }
            }
        }
        let ret = list.joined(separator: ",")
        return more ? "\(ret) + \(count - max) more..." : ret
    }

    static let node = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Status", description: "The status of the node"),
            TableColumn(name: "Roles", description: "The roles of the node"),
            TableDocs.ageColumn,
            TableColumn(name: "Version", description: "Kubelet Version reported by the node."),
            TableColumn(name: "Internal-IP", description: "List of addresses reachable to the node.", priority: 1),
            TableColumn(name: "External-IP", description: "List of addresses reachable to the node.", priority: 1),
            TableColumn(name: "OS-Image", description: "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", priority: 1),
            TableColumn(name: "Kernel-Version", description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority: 1),
            TableColumn(name: "Container-Runtime", description: "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", priority: 1),
        ],
        cells: nodeCells)

    @Sendable static func nodeCells(_ o: JSON, _ now: Date) -> [JSON] {
        typealias C = TableCells
        let status = o["status"]
        var states: [String] = []
        // The last Ready condition wins, as in upstream's condition map.
        if let ready = C.list(status?["conditions"]).last(where: { C.str($0["type"]) == "Ready" }) {
            states.append(C.str(ready["status"]) == "True" ? "Ready" : "NotReady")
        }
        if states.isEmpty { states.append("Unknown") }
        if o["spec"]?["unschedulable"]?.boolValue == true { states.append("SchedulingDisabled") }

        var roles = Set<String>()
        for e in C.map(o["metadata"]?["labels"]).entries {
            if e.key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(e.key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if e.key == "kubernetes.io/role", case let v = C.str(e.value), !v.isEmpty {
                roles.insert(v)
            }
        }
        var rolesText = roles.sorted(by: C.goLess).joined(separator: ",")
        if rolesText.isEmpty { rolesText = "<none>" }

        let info = status?["nodeInfo"]
        func address(_ type: String) -> String {
            for a in C.list(status?["addresses"]) where C.str(a["type"]) == type { return C.str(a["address"]) }
            return "<none>"
        }
        func known(_ s: String) -> String { s.isEmpty ? "<unknown>" : s }
        return [
            C.name(o), .string(states.joined(separator: ",")), .string(rolesText), C.age(o, now),
            .string(C.str(info?["kubeletVersion"])),
            .string(address("InternalIP")), .string(address("ExternalIP")),
            .string(known(C.str(info?["osImage"]))), .string(known(C.str(info?["kernelVersion"]))),
            .string(known(C.str(info?["containerRuntimeVersion"]))),
        ]
    }

    static let replicationController = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Desired", type: "integer", description: "Replicas is the number of desired replicas."),
            TableColumn(name: "Current", type: "integer", description: "Replicas is the most recently observed number of replicas."),
            TableColumn(name: "Ready", type: "integer", description: "The number of ready replicas for this replication controller."),
            TableDocs.ageColumn,
            TableColumn(name: "Containers", description: TableDocs.containers, priority: 1),
            TableColumn(name: "Images", description: TableDocs.images, priority: 1),
            TableColumn(name: "Selector", description: "Selector is a label query over pods that should match the Replicas count.", priority: 1),
        ],
        cells: { o, now in
            typealias C = TableCells
            let (names, images) = C.templateContainers(o)
            return [C.name(o), .int(o["spec"]?["replicas"]?.intValue ?? 1), .int(C.int(o["status"]?["replicas"])),
                    .int(C.int(o["status"]?["readyReplicas"])), C.age(o, now),
                    .string(names), .string(images), .string(C.formatLabels(o["spec"]?["selector"]))]
        })

    static let resourceQuota = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Request", description: "Request represents a minimum amount of cpu/memory that a container may consume."),
            TableColumn(name: "Limit", description: "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            typealias C = TableCells
            let hard = C.map(o["status"]?["hard"])
            let used = o["status"]?["used"]
            var requests: [String] = []
            var limits: [String] = []
            for resource in hard.keys.sorted(by: C.goLess) {
                var u = C.scalarText(used?[resource])
                if u.isEmpty { u = "0" }
                var h = C.scalarText(hard[resource])
                if h.isEmpty { h = "0" }
                let text = "\(resource): \(u)/\(h)"
                let pieces = resource.split(separator: ".", omittingEmptySubsequences: false)
                if pieces.count > 1 && pieces[0] == "limits" { limits.append(text) } else { requests.append(text) }
            }
            return [C.name(o), .string(requests.joined(separator: ", ")), .string(limits.joined(separator: ", ")), C.age(o, now)]
        })

    static let persistentVolume = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Capacity", description: "capacity is the description of the persistent volume's resources and capacity."),
            TableColumn(name: "Access Modes", description: "accessModes contains all ways the volume can be mounted."),
            TableColumn(name: "Reclaim Policy", description: "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
            TableColumn(name: "Status", description: "phase indicates if a volume is available, bound to a claim, or released by a claim."),
            TableColumn(name: "Claim", description: "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
            TableColumn(name: "StorageClass", description: "StorageClass of the pv"),
            TableColumn(name: "VolumeAttributesClass", description: "VolumeAttributesClass of the pv"),
            TableColumn(name: "Reason", description: "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
            TableDocs.ageColumn,
            TableColumn(name: "VolumeMode", description: "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", priority: 1),
        ],
        cells: { o, now in
            typealias C = TableCells
            let spec = o["spec"]
            var claim = ""
            if let ref = spec?["claimRef"], ref.objectValue != nil {
                claim = C.str(ref["namespace"]) + "/" + C.str(ref["name"])
            }
            var capacity = C.scalarText(spec?["capacity"]?["storage"])
            if capacity.isEmpty { capacity = "0" }
            var phase = C.str(o["status"]?["phase"])
            if C.isDeleting(o) { phase = "Terminating" }
            return [
                C.name(o), .string(capacity), .string(C.accessModes(spec?["accessModes"])),
                .string(C.str(spec?["persistentVolumeReclaimPolicy"])), .string(phase), .string(claim),
                .string(storageClassName(o)), .string(spec?["volumeAttributesClassName"]?.stringValue ?? "<unset>"),
                .string(C.str(o["status"]?["reason"])), C.age(o, now),
                .string(spec?["volumeMode"]?.stringValue ?? "<unset>"),
            ]
        })

    static let persistentVolumeClaim = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Status", description: "phase represents the current phase of PersistentVolumeClaim."),
            TableColumn(name: "Volume", description: "volumeName is the binding reference to the PersistentVolume backing this claim."),
            TableColumn(name: "Capacity", description: "capacity represents the actual resources of the underlying volume."),
            TableColumn(name: "Access Modes", description: "accessModes contains the actual access modes the volume backing the PVC has."),
            TableColumn(name: "StorageClass", description: "StorageClass of the pvc"),
            TableColumn(name: "VolumeAttributesClass", description: "VolumeAttributesClass of the pvc"),
            TableDocs.ageColumn,
            TableColumn(name: "VolumeMode", description: "volumeMode defines what type of volume is required by the claim.", priority: 1),
        ],
        cells: { o, now in
            typealias C = TableCells
            let spec = o["spec"]
            var phase = C.str(o["status"]?["phase"])
            if C.isDeleting(o) { phase = "Terminating" }
            let volumeName = C.str(spec?["volumeName"])
            var capacity = ""
            var modes = ""
            if !volumeName.isEmpty {
                modes = C.accessModes(o["status"]?["accessModes"])
                capacity = C.scalarText(o["status"]?["capacity"]?["storage"])
                if capacity.isEmpty { capacity = "0" }
            }
            return [
                C.name(o), .string(phase), .string(volumeName), .string(capacity), .string(modes),
                .string(storageClassName(o)), .string(spec?["volumeAttributesClassName"]?.stringValue ?? "<unset>"),
                C.age(o, now), .string(spec?["volumeMode"]?.stringValue ?? "<unset>"),
            ]
        })

    /// `GetPersistentVolumeClass` / `GetPersistentVolumeClaimClass`: the beta annotation first.
    static func storageClassName(_ o: JSON) -> String {
        if let a = o["metadata"]?["annotations"]?["volume.beta.kubernetes.io/storage-class"]?.stringValue { return a }
        return TableCells.str(o["spec"]?["storageClassName"])
    }

    /// `printEvent` (core/v1 and events.k8s.io/v1, which share one internal type): Last Seen,
    /// Type, Reason, Object, Message; wide Subobject, Source, First Seen, Count, Name.
    static let event = TablePrinter(
        columns: [
            TableColumn(name: "Last Seen", description: "The time at which the most recent occurrence of this event was recorded."),
            TableColumn(name: "Type", description: "Type of this event (Normal, Warning), new types could be added in the future"),
            TableColumn(name: "Reason", description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            TableColumn(name: "Object", description: "The object that this event is about."),
            TableColumn(name: "Subobject", description: "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].", priority: 1),
            TableColumn(name: "Source", description: "The component reporting this event. Should be a short machine understandable string.", priority: 1),
            TableColumn(name: "Message", description: "A human-readable description of the status of this operation."),
            TableColumn(name: "First Seen", description: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", priority: 1),
            TableColumn(name: "Count", description: "The number of times this event has occurred.", priority: 1),
            TableColumn(name: "Name", format: "name", description: TableDocs.name, priority: 1),
        ],
        cells: eventCells)

    @Sendable static func eventCells(_ o: JSON, _ now: Date) -> [JSON] {
        typealias C = TableCells
        // events.k8s.io/v1 names: regarding, note, deprecated*, reportingController.
        let involved = o["involvedObject"] ?? o["regarding"]
        let message = o["message"] ?? o["note"]
        let source = o["source"] ?? o["deprecatedSource"]
        let first = o["firstTimestamp"] ?? o["deprecatedFirstTimestamp"]
        let last = o["lastTimestamp"] ?? o["deprecatedLastTimestamp"]
        let countField = o["count"] ?? o["deprecatedCount"]
        let reportingController = C.str(o["reportingComponent"] ?? o["reportingController"])
        let reportingInstance = C.str(o["reportingInstance"])

        var firstSeen = TableTime.since(first, now: now)
        if TableTime.seconds(first) == nil { firstSeen = TableTime.since(o["eventTime"], now: now) }
        var lastSeen = TableTime.since(last, now: now)
        if TableTime.seconds(last) == nil { lastSeen = firstSeen }
        var count = C.int(countField)
        if let series = o["series"], series.objectValue != nil {
            lastSeen = TableTime.since(series["lastObservedTime"], now: now)
            count = C.int(series["count"])
        } else if count == 0 {
            count = 1  // singleton events of the new API carry no count
        }

        let kind = C.str(involved?["kind"]).lowercased()
        let name = C.str(involved?["name"])
        let target = name.isEmpty ? kind : "\(kind)/\(name)"
        var component = C.str(source?["component"])
        if component.isEmpty { component = reportingController }
        var host = C.str(source?["host"])
        if host.isEmpty { host = reportingInstance }
        let sourceText = host.isEmpty ? component : "\(component), \(host)"
        return [
            .string(lastSeen), .string(C.str(o["type"])), .string(C.str(o["reason"])), .string(target),
            .string(C.str(involved?["fieldPath"])), .string(sourceText),
            .string(C.str(message).trimmingWhitespaceAndNewlines()),
            .string(firstSeen), .int(count), C.name(o),
        ]
    }
}

extension String {
    /// Go's strings.TrimSpace.
    fileprivate func trimmingWhitespaceAndNewlines() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
