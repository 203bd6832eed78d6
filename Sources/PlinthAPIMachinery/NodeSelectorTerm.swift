import PlinthJSON

/// One node selector term of node affinity, read once per pod: its `matchExpressions` as label
/// requirements (upstream turns them into a label selector, with the same validation) and its
/// `matchFields` on `metadata.name`. A term that is empty or does not parse matches nothing.
public struct NodeSelectorTerm: Sendable {
    private let labels: [LabelSelector.Requirement]
    private let names: [(in: Bool, values: [String])]
    private let valid: Bool

    private static let operators: [String: LabelSelector.Operator] = [
        "In": .in, "NotIn": .notIn, "Exists": .exists, "DoesNotExist": .doesNotExist, "Gt": .greaterThan, "Lt": .lessThan,
    ]

    public init(_ term: JSON) {
        var valid = true
        var labels: [LabelSelector.Requirement] = []
        for e in term["matchExpressions"]?.arrayValue ?? [] {
            let values = (e["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            guard let op = Self.operators[e.string("operator") ?? ""],
                  let r = try? LabelSelector.Requirement(key: e.string("key") ?? "", operator: op, values: values) else {
                valid = false
                continue
            }
            labels.append(r)
        }
        // Fields support only metadata.name with In or NotIn (upstream's field selector).
        var names: [(in: Bool, values: [String])] = []
        for f in term["matchFields"]?.arrayValue ?? [] {
            let op = f.string("operator") ?? ""
            guard f.string("key") == "metadata.name", op == "In" || op == "NotIn" else {
                valid = false
                continue
            }
            names.append((op == "In", (f["values"]?.arrayValue ?? []).compactMap(\.stringValue)))
        }
        self.labels = labels
        self.names = names
        self.valid = valid && !(labels.isEmpty && names.isEmpty)
    }

    /// Whether the node named `name` with `labels` matches (the scheduler and the DaemonSet
    /// controller both ask).
    public func matches(name: String, labels: [String: String]) -> Bool {
        valid && self.labels.allSatisfy { $0.matches(value: labels[$0.key]) }
            && names.allSatisfy { $0.values.contains(name) == $0.in }
    }
}
