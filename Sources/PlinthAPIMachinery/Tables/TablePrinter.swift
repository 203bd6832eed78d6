import Foundation
import PlinthJSON

/// Server-side printing of one kind: the column definitions of a `meta.k8s.io/v1` Table and
/// the cells of each row, as kube-apiserver computes them (pkg/printers/internalversion for
/// built-in kinds, the default convertor for the rest, additionalPrinterColumns for custom
/// resources). Cells always include the `-o wide` (priority 1) columns, as the server sends
/// them; kubectl hides those unless asked.
public struct TablePrinter: Sendable {
    public var columns: [TableColumn]
    /// One row's cells for an object (same count as columns). `now` is for ages.
    public var cells: @Sendable (JSON, Date) -> [JSON]

    public init(columns: [TableColumn], cells: @escaping @Sendable (JSON, Date) -> [JSON]) {
        self.columns = columns
        self.cells = cells
    }

    /// The printer of a built-in kind; `default` for kinds without one of their own (Role,
    /// ClusterRole, LimitRange, the review kinds, …).
    public static func forKind(group: String, kind: String) -> TablePrinter {
        builtins[group + "/" + kind] ?? .default
    }

    /// The default convertor (k8s.io/apiserver/pkg/registry/rest): Name and Created At, the
    /// latter an RFC 3339 date in UTC.
    public static let `default` = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Created At", type: "date", description: TableDocs.creationTimestamp),
        ],
        cells: { o, _ in
            let t = TableTime.seconds(o["metadata"]?["creationTimestamp"]) ?? TableTime.goZero
            return [TableCells.name(o), .string(TableTime.formatRFC3339(t))]
        })

    /// The printer of a custom resource from its version's `additionalPrinterColumns`: a Name
    /// column, then one column per definition, each cell found by its JSONPath (a missing value
    /// is null). Upstream gives a CRD without columns a single `Age` column (type date, path
    /// `.metadata.creationTimestamp`); callers pass that in when the CRD has none.
    public static func customResource(
        columns: [(name: String, type: String, jsonPath: String, priority: Int, description: String, format: String)]
    ) -> TablePrinter {
        var defs = [TableDocs.nameColumn]
        var paths: [(type: String, path: TableJSONPath?)] = []
        for c in columns {
            let desc = c.description.isEmpty
                ? "Custom resource definition column (in JSONPath format): \(c.jsonPath)" : c.description
            defs.append(TableColumn(name: c.name, type: c.type, format: c.format, description: desc, priority: c.priority))
            paths.append((c.type, TableJSONPath(c.jsonPath)))
        }
        let columnPaths = paths
        return TablePrinter(columns: defs) { o, now in
            var row: [JSON] = [TableCells.name(o)]
            row.reserveCapacity(1 + columnPaths.count)
            for (type, path) in columnPaths {
                guard let path, let value = path.evaluate(o).first else {
                    row.append(.null)
                    continue
                }
                row.append(customCell(type: type, value: value, now: now))
            }
            return row
        }
    }

    /// `cellForJSONValue` of the CRD table convertor, with string columns printed as client-go's
    /// jsonpath prints a value (`fmt.Print` for scalars, compact JSON for objects and arrays).
    static func customCell(type: String, value: JSON, now: Date) -> JSON {
        if value.isNull { return .null }
        switch type {
        case "string":
            switch value {
            case .object, .array: return .string(TableJSONPath.goJSON(value))
            default: return .string(TableCells.scalarText(value))
            }
        case "integer":
            switch value {
            case .int: return value
            case .double(let d): return d.isFinite && abs(d) < 9.2e18 ? .int(Int64(d)) : .null
            default: return .null
            }
        case "number":
            switch value {
            case .int(let i): return .double(Double(i))
            case .double: return value
            default: return .null
            }
        case "boolean":
            if case .bool = value { return value }
            return .null
        case "date":
            guard case .string(let s) = value else { return .null }
            if s.isEmpty || s == "null" { return .string("<unknown>") }
            guard let t = TableTime.parse(s) else { return .string("<invalid>") }
            if t == TableTime.goZero { return .string("<unknown>") }
            return .string(TableTime.since(t, now: now))
        default:
            return .null
        }
    }

    /// Built-in printers by "group/Kind".
    static let builtins: [String: TablePrinter] = {
        var m: [String: TablePrinter] = [:]
        // core/v1
        m["/Pod"] = pod
        m["/PodTemplate"] = podTemplate
        m["/Namespace"] = namespace
        m["/ConfigMap"] = configMap
        m["/Secret"] = secret
        m["/ServiceAccount"] = serviceAccount
        m["/Service"] = service
        m["/Endpoints"] = endpoints
        m["/Node"] = node
        m["/Event"] = event
        m["/ReplicationController"] = replicationController
        m["/ResourceQuota"] = resourceQuota
        m["/PersistentVolume"] = persistentVolume
        m["/PersistentVolumeClaim"] = persistentVolumeClaim
        // apps/v1, batch/v1
        m["apps/Deployment"] = deployment
        m["apps/ReplicaSet"] = replicaSet
        m["apps/StatefulSet"] = statefulSet
        m["apps/DaemonSet"] = daemonSet
        m["apps/ControllerRevision"] = controllerRevision
        m["batch/Job"] = job
        m["batch/CronJob"] = cronJob
        // other groups
        m["events.k8s.io/Event"] = event
        m["coordination.k8s.io/Lease"] = lease
        m["rbac.authorization.k8s.io/RoleBinding"] = roleBinding(what: "roleBinding")
        m["rbac.authorization.k8s.io/ClusterRoleBinding"] = roleBinding(what: "clusterRoleBinding")
        m["storage.k8s.io/StorageClass"] = storageClass
        m["networking.k8s.io/NetworkPolicy"] = networkPolicy
        m["networking.k8s.io/Ingress"] = ingress
        m["networking.k8s.io/IngressClass"] = ingressClass
        m["node.k8s.io/RuntimeClass"] = runtimeClass
        m["discovery.k8s.io/EndpointSlice"] = endpointSlice
        m["policy/PodDisruptionBudget"] = podDisruptionBudget
        m["scheduling.k8s.io/PriorityClass"] = priorityClass
        m["admissionregistration.k8s.io/MutatingWebhookConfiguration"] = webhookConfiguration
        m["admissionregistration.k8s.io/ValidatingWebhookConfiguration"] = webhookConfiguration
        return m
    }()
}
