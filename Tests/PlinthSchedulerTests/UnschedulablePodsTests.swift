@testable import PlinthScheduler
import Testing

/// When pods that fit nowhere are tried again.
@Suite("unschedulable pods")
struct UnschedulablePodsTests {
    @Test func anEventDuringTheFailedAttemptStillBringsARetry() async throws {
        let pods = UnschedulablePods()
        let attempt = ContinuousClock.now
        // The nodes changed (a taint lifted) after the attempt read them but before it failed.
        try await Task.sleep(for: .milliseconds(10))
        await pods.noteEvent()
        await pods.failed("ns/p", attemptBegan: attempt)
        try await Task.sleep(for: UnschedulablePods.initialBackoff + .milliseconds(50))
        #expect(await pods.takeRetryable() == ["ns/p"])
        #expect(await pods.takeRetryable().isEmpty, "handed out once per event")
    }

    @Test func withoutAnEventAFailedPodWaits() async throws {
        let pods = UnschedulablePods()
        await pods.noteEvent()
        try await Task.sleep(for: .milliseconds(10))
        await pods.failed("ns/p", attemptBegan: .now)
        try await Task.sleep(for: UnschedulablePods.initialBackoff + .milliseconds(50))
        #expect(await pods.takeRetryable().isEmpty)
    }
}
