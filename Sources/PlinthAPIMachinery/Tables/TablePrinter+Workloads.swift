import Foundation
import PlinthJSON

/// Printers of apps/v1 and batch/v1 kinds.
extension TablePrinter {
    static let containersColumn = TableColumn(name: "Containers", description: TableDocs.containers, priority: 1)
    static let imagesColumn = TableColumn(name: "Images", description: TableDocs.images, priority: 1)

    /// `spec.replicas`, defaulted to 1 as the apps/v1 API does.
    static func desiredReplicas(_ o: JSON) -> Int64 { o["spec"]?["replicas"]?.intValue ?? 1 }

    static let deployment = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Ready", description: "Number of the pod with ready state"),
            TableColumn(name: "Up-to-date", description: "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            TableColumn(name: "Available", description: "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            TableDocs.ageColumn,
            containersColumn,
            imagesColumn,
            TableColumn(name: "Selector", description: "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", priority: 1),
        ],
        cells: { o, now in
            typealias C = TableCells
            let status = o["status"]
            let (names, images) = C.templateContainers(o)
            let selector = C.selectorString(o["spec"]?["selector"]) ?? "<invalid>"
            return [
                C.name(o), .string("\(C.int(status?["readyReplicas"]))/\(desiredReplicas(o))"),
                .int(C.int(status?["updatedReplicas"])), .int(C.int(status?["availableReplicas"])), C.age(o, now),
                .string(names), .string(images), .string(selector),
            ]
        })

    static let replicaSet = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Desired", type: "integer", description: "Replicas is the number of desired replicas."),
            TableColumn(name: "Current", type: "integer", description: "Replicas is the most recently observed number of replicas."),
            TableColumn(name: "Ready", type: "integer", description: "The number of ready replicas for this replica set."),
            TableDocs.ageColumn,
            containersColumn,
            imagesColumn,
            TableColumn(name: "Selector", description: "Selector is a label query over pods that should match the replica count.", priority: 1),
        ],
        cells: { o, now in
            typealias C = TableCells
            let (names, images) = C.templateContainers(o)
            return [
                C.name(o), .int(desiredReplicas(o)), .int(C.int(o["status"]?["replicas"])),
                .int(C.int(o["status"]?["readyReplicas"])), C.age(o, now),
                .string(names), .string(images), .string(C.formatLabelSelector(o["spec"]?["selector"])),
            ]
        })

    static let statefulSet = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Ready", description: "Number of the pod with ready state"),
            TableDocs.ageColumn,
            containersColumn,
            imagesColumn,
        ],
        cells: { o, now in
            typealias C = TableCells
            let (names, images) = C.templateContainers(o)
            return [
                C.name(o), .string("\(C.int(o["status"]?["readyReplicas"]))/\(desiredReplicas(o))"), C.age(o, now),
                .string(names), .string(images),
            ]
        })

    static let daemonSet = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Desired", type: "integer", description: "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
            TableColumn(name: "Current", type: "integer", description: "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            TableColumn(name: "Ready", type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
            TableColumn(name: "Up-to-date", type: "integer", description: "The total number of nodes that are running updated daemon pod"),
            TableColumn(name: "Available", type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            TableColumn(name: "Node Selector", description: "NodeSelector is a selector which must be true for the pod to fit on a node."),
            TableDocs.ageColumn,
            containersColumn,
            imagesColumn,
            TableColumn(name: "Selector", description: "A label query over pods that are managed by the daemon set.", priority: 1),
        ],
        cells: { o, now in
            typealias C = TableCells
            let status = o["status"]
            let (names, images) = C.templateContainers(o)
            return [
                C.name(o), .int(C.int(status?["desiredNumberScheduled"])), .int(C.int(status?["currentNumberScheduled"])),
                .int(C.int(status?["numberReady"])), .int(C.int(status?["updatedNumberScheduled"])),
                .int(C.int(status?["numberAvailable"])),
                .string(C.formatLabels(o["spec"]?["template"]?["spec"]?["nodeSelector"])), C.age(o, now),
                .string(names), .string(images), .string(C.formatLabelSelector(o["spec"]?["selector"])),
            ]
        })

    static let controllerRevision = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Controller", description: "Controller of the object"),
            TableColumn(name: "Revision", description: "Revision indicates the revision of the state represented by Data."),
            TableDocs.ageColumn,
        ],
        cells: { o, now in
            typealias C = TableCells
            var controller = "<none>"
            if let ref = C.list(o["metadata"]?["ownerReferences"]).first(where: { $0["controller"]?.boolValue == true }) {
                let apiVersion = C.str(ref["apiVersion"])
                let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
                let group = parts.count == 2 ? String(parts[0]) : ""
                let kind = C.str(ref["kind"])
                let name = C.str(ref["name"])
                if kind.isEmpty && group.isEmpty {
                    controller = name
                } else {
                    controller = (group.isEmpty ? kind : "\(kind).\(group)").lowercased() + "/" + name
                }
            }
            return [C.name(o), .string(controller), .int(C.int(o["revision"])), C.age(o, now)]
        })

    static let job = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Status", description: "Status of the job."),
            TableColumn(name: "Completions", description: "The number of pods which reached phase Succeeded."),
            TableColumn(name: "Duration", description: "Time required to complete the job."),
            TableDocs.ageColumn,
            containersColumn,
            imagesColumn,
            TableColumn(name: "Selector", description: "A label query over pods that should match the pod count.", priority: 1),
        ],
        cells: jobCells)

    @Sendable static func jobCells(_ o: JSON, _ now: Date) -> [JSON] {
        typealias C = TableCells
        let spec = o["spec"]
        let status = o["status"]
        let succeeded = C.int(status?["succeeded"])
        let completions: String
        if let n = spec?["completions"]?.intValue {
            completions = "\(succeeded)/\(n)"
        } else {
            let parallelism = spec?["parallelism"]?.intValue ?? 0
            completions = parallelism > 1 ? "\(succeeded)/1 of \(parallelism)" : "\(succeeded)/1"
        }
        var duration = ""
        if let start = TableTime.seconds(status?["startTime"]) {
            if let end = TableTime.seconds(status?["completionTime"]) {
                duration = HumanDuration.format(end - start)
            } else {
                duration = TableTime.since(start, now: now)
            }
        }
        let conditions = C.list(status?["conditions"])
        func has(_ type: String) -> Bool {
            // The first condition of the type decides.
            guard let c = conditions.first(where: { C.str($0["type"]) == type }) else { return false }
            return C.str(c["status"]) == "True"
        }
        let state: String
        if has("Complete") {
            state = "Complete"
        } else if has("Failed") {
            state = "Failed"
        } else if C.isDeleting(o) {
            state = "Terminating"
        } else if has("Suspended") {
            state = "Suspended"
        } else if has("FailureTarget") {
            state = "FailureTarget"
        } else if has("SuccessCriteriaMet") {
            state = "SuccessCriteriaMet"
        } else {
            state = "Running"
        }
        let (names, images) = C.templateContainers(o)
        return [
            C.name(o), .string(state), .string(completions), .string(duration), C.age(o, now),
            .string(names), .string(images), .string(C.formatLabelSelector(spec?["selector"])),
        ]
    }

    static let cronJob = TablePrinter(
        columns: [
            TableDocs.nameColumn,
            TableColumn(name: "Schedule", description: "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            TableColumn(name: "Timezone", description: "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
            TableColumn(name: "Suspend", type: "boolean", description: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false."),
            TableColumn(name: "Active", type: "integer", description: "A list of pointers to currently running jobs."),
            TableColumn(name: "Last Schedule", description: "Information when was the last time the job was successfully scheduled."),
            TableDocs.ageColumn,
            containersColumn,
            imagesColumn,
            TableColumn(name: "Selector", description: "A label query over pods that should match the pod count.", priority: 1),
        ],
        cells: { o, now in
            typealias C = TableCells
            let spec = o["spec"]
            var last = "<none>"
            if C.isSet(o["status"]?["lastScheduleTime"]) {
                last = TableTime.since(o["status"]?["lastScheduleTime"], now: now)
            }
            let jobSpec = spec?["jobTemplate"]?["spec"]
            let (names, images) = C.containerCells(C.list(jobSpec?["template"]?["spec"]?["containers"]))
            return [
                C.name(o), .string(C.str(spec?["schedule"])), .string(spec?["timeZone"]?.stringValue ?? "<none>"),
                .string(C.boolPtr(spec?["suspend"])), .int(Int64(C.list(o["status"]?["active"]).count)),
                .string(last), C.age(o, now),
                .string(names), .string(images), .string(C.formatLabelSelector(jobSpec?["selector"])),
            ]
        })
}
