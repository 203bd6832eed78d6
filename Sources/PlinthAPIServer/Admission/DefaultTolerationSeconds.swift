import PlinthAPIMachinery
import PlinthJSON

/// Upstream's DefaultTolerationSeconds admission: a new pod that does not already tolerate the
/// `node.kubernetes.io/not-ready` or `node.kubernetes.io/unreachable` NoExecute taints gets a
/// toleration for each lasting 300 seconds, so its pods leave a failed host five minutes after
/// the host is marked (unless the pod says otherwise).
public struct DefaultTolerationSeconds: AdmissionPlugin {
    public static let seconds: Int64 = 300
    static let taintKeys = [NodeTaints.notReady, NodeTaints.unreachable]

    public init() {}

    public func mutate(_ object: inout JSON, old: JSON?, _ a: AdmissionAttributes) async throws(APIError) {
        guard a.operation == .create, a.subresource == nil, a.resource.group.isEmpty, a.resource.plural == "pods" else { return }
        var tolerations = object[path: ["spec", "tolerations"]]?.arrayValue ?? []
        for key in Self.taintKeys {
            let tolerated = tolerations.contains { t in
                let k = t.string("key") ?? "", effect = t.string("effect") ?? ""
                return (k == key || k.isEmpty) && (effect == "NoExecute" || effect.isEmpty)
            }
            if !tolerated {
                tolerations.append(["key": .string(key), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": .int(Self.seconds)])
            }
        }
        object[path: ["spec", "tolerations"]] = .array(tolerations)
    }
}
