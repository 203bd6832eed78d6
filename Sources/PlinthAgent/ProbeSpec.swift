import PlinthJSON

/// One probe of a container as its spec declares it (`livenessProbe`, `readinessProbe`,
/// `startupProbe`), with upstream's defaults: no initial delay, every 10 s, 1 s timeout, one
/// success and three failures to change the result (a liveness or startup probe needs one success).
struct ProbeSpec: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case startup, liveness, readiness
        var field: String { rawValue + "Probe" }
        /// How Events name it: "Liveness probe failed: …".
        var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    enum Action: Sendable, Equatable {
        case exec([String])
        case tcp(host: String?, port: Int)
        case http(scheme: String, host: String?, port: Int, path: String, headers: [(name: String, value: String)])

        static func == (a: Action, b: Action) -> Bool {
            switch (a, b) {
            case (.exec(let x), .exec(let y)): return x == y
            case (.tcp(let h1, let p1), .tcp(let h2, let p2)): return h1 == h2 && p1 == p2
            case (.http(let s1, let h1, let p1, let q1, let hs1), .http(let s2, let h2, let p2, let q2, let hs2)):
                return s1 == s2 && h1 == h2 && p1 == p2 && q1 == q2 && hs1.map(\.name) == hs2.map(\.name) && hs1.map(\.value) == hs2.map(\.value)
            default: return false
            }
        }
    }

    var kind: Kind
    var action: Action
    var initialDelaySeconds: Int
    var periodSeconds: Int
    var timeoutSeconds: Int
    var successThreshold: Int
    var failureThreshold: Int

    /// The probe of `kind` in container spec `c`, if it declares one with an action this agent runs.
    init?(_ kind: Kind, of c: JSON) {
        guard let p = c[kind.field], case .object = p else { return nil }
        func port(_ value: JSON?) -> Int? {
            if let n = value?.intValue { return Int(n) }
            guard let name = value?.stringValue else { return nil }
            if let n = Int(name) { return n }
            let declared = (c["ports"]?.arrayValue ?? []).first { $0.string("name") == name }
            return declared?["containerPort"]?.intValue.map(Int.init)
        }
        if let command = p[path: ["exec", "command"]]?.arrayValue {
            action = .exec(command.compactMap(\.stringValue))
        } else if let tcp = p["tcpSocket"], let n = port(tcp["port"]) {
            action = .tcp(host: tcp.string("host"), port: n)
        } else if let http = p["httpGet"], let n = port(http["port"]) {
            let headers = (http["httpHeaders"]?.arrayValue ?? []).compactMap { h -> (String, String)? in
                guard let name = h.string("name") else { return nil }
                return (name, h.string("value") ?? "")
            }
            action = .http(scheme: http.string("scheme") ?? "HTTP", host: http.string("host"), port: n, path: http.string("path") ?? "/",
                           headers: headers.map { (name: $0.0, value: $0.1) })
        } else {
            return nil
        }
        self.kind = kind
        initialDelaySeconds = Int(p["initialDelaySeconds"]?.intValue ?? 0)
        periodSeconds = max(1, Int(p["periodSeconds"]?.intValue ?? 10))
        timeoutSeconds = max(1, Int(p["timeoutSeconds"]?.intValue ?? 1))
        successThreshold = kind == .readiness ? max(1, Int(p["successThreshold"]?.intValue ?? 1)) : 1
        failureThreshold = max(1, Int(p["failureThreshold"]?.intValue ?? 3))
    }
}
