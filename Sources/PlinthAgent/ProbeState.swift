/// Where one probe of one container run stands (upstream's prober worker): the result so far
/// and the run of equal outcomes that moves it. A readiness probe starts out failing, a
/// liveness or startup probe unknown; a result changes only after `successThreshold`
/// successes or `failureThreshold` failures in a row.
struct ProbeState: Sendable, Equatable {
    enum Result: Sendable, Equatable { case unknown, success, failure }

    var result: Result
    var successes = 0
    var failures = 0
    /// When the probe last ran (seconds on the agent's monotonic clock).
    var lastRun: Double?

    init(_ kind: ProbeSpec.Kind) {
        result = kind == .readiness ? .failure : .unknown
    }

    /// Records one outcome; true when the result changed.
    mutating func record(success: Bool, spec: ProbeSpec, at time: Double) -> Bool {
        lastRun = time
        let before = result
        if success {
            successes += 1
            failures = 0
            if successes >= spec.successThreshold { result = .success }
        } else {
            failures += 1
            successes = 0
            if failures >= spec.failureThreshold { result = .failure }
        }
        return result != before
    }

    /// Whether the probe should run at `time` for a run that started at `startedAt`.
    func isDue(spec: ProbeSpec, startedAt: Double, at time: Double) -> Bool {
        guard time >= startedAt + Double(spec.initialDelaySeconds) else { return false }
        guard let lastRun else { return true }
        return time >= lastRun + Double(spec.periodSeconds)
    }
}
