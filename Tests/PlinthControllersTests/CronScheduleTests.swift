import Foundation
import PlinthControllers
import Testing

/// Cron schedules as CronJobs write them, and when they fire.
@Suite("cron schedule")
struct CronScheduleTests {
    let utc = TimeZone(identifier: "UTC")!

    func date(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    func next(_ schedule: String, after: String, zone: TimeZone? = nil) throws -> String? {
        let s = try CronSchedule(schedule)
        let f = ISO8601DateFormatter()
        f.timeZone = utc
        return s.next(after: date(after), in: zone ?? utc).map { f.string(from: $0) }
    }

    @Test func stepsRangesListsNamesAndMacros() throws {
        #expect(try next("*/15 * * * *", after: "2026-11-22T10:07:30Z") == "2026-11-22T10:15:00Z")
        #expect(try next("* * * * *", after: "2026-11-22T10:07:00Z") == "2026-11-22T10:08:00Z", "strictly after")
        #expect(try next("0 9-17/4 * * MON-FRI", after: "2026-11-21T18:00:00Z") == "2026-11-23T09:00:00Z", "Saturday → Monday 09:00")
        #expect(try next("30 2 1,15 * *", after: "2026-11-02T00:00:00Z") == "2026-11-15T02:30:00Z")
        #expect(try next("0 0 1 jan *", after: "2026-11-22T00:00:00Z") == "2027-01-01T00:00:00Z")
        #expect(try next("@hourly", after: "2026-11-22T10:07:00Z") == "2026-11-22T11:00:00Z")
        #expect(try next("0 0 * * 7", after: "2026-11-22T10:00:00Z") == "2026-11-29T00:00:00Z", "7 is Sunday too")
        #expect(try next("0 0 30 2 *", after: "2026-11-22T00:00:00Z") == nil, "February 30th never comes")
    }

    @Test func restrictedDayFieldsMatchEither() throws {
        // The 13th or any Friday: after Sunday 2026-11-22 the first is Friday the 27th.
        #expect(try next("0 0 13 * FRI", after: "2026-11-22T00:00:00Z") == "2026-11-27T00:00:00Z")
        #expect(try next("0 0 13 * *", after: "2026-11-22T00:00:00Z") == "2026-12-13T00:00:00Z")
    }

    @Test func timeZones() throws {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(try next("0 9 * * *", after: "2026-11-22T00:00:00Z", zone: berlin) == "2026-11-22T08:00:00Z")
        // Clocks go back at 02:00 EDT on 2026-11-01 in New York: 01:xx happens twice. From inside
        // the first 01:30 the next 03:00 is EST (08:00Z), found without looping in the repeat.
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(try next("0 3 * * *", after: "2026-11-01T05:30:00Z", zone: newYork) == "2026-11-01T08:00:00Z")
        #expect(try next("30 * * * *", after: "2026-11-01T05:45:00Z", zone: newYork) == "2026-11-01T06:30:00Z", "the second 01:30")
    }

    @Test func badSchedulesSayWhy() {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule("* * * *") }
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule("61 * * * *") }
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule("*/0 * * * *") }
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule("5-1 * * * *") }
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule("* * * * funday") }
    }
}
