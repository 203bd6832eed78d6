import PlinthControllers
import Testing

@Suite("work queue")
struct WorkQueueTests {
    @Test func aKeyWaitsOnceHoweverOftenItIsAdded() async {
        let q = WorkQueue<String>()
        for _ in 0..<1000 { await q.add("ns-a") }
        await q.add("ns-b")
        await q.add("ns-a")
        #expect(await q.next() == "ns-a")
        #expect(await q.next() == "ns-b")
        await q.shutdown()
        #expect(await q.next() == nil)
    }

    @Test func aKeyAddedWhileProcessedComesBackOnceAfterDone() async {
        let q = WorkQueue<String>()
        await q.add("k")
        let first = await q.next()
        #expect(first == "k")
        // Added twice while being processed: not handed out again until done, then once.
        await q.add("k")
        await q.add("k")
        await q.add("other")
        #expect(await q.next() == "other")
        await q.done("other")
        await q.done("k")
        #expect(await q.next() == "k")
        await q.done("k")
        await q.shutdown()
        #expect(await q.next() == nil)
    }

    @Test func aWaitingWorkerGetsTheNextKeyAndShutdownWakesIt() async {
        let q = WorkQueue<Int>()
        async let got = q.next()
        try? await Task.sleep(for: .milliseconds(50))
        await q.add(7)
        #expect(await got == 7)
        async let none = q.next()
        try? await Task.sleep(for: .milliseconds(50))
        await q.shutdown()
        #expect(await none == nil)
        await q.add(8)  // ignored after shutdown
        #expect(await q.next() == nil)
    }
}
