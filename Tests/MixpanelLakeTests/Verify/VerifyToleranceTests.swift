import CalendarDay
import Foundation
import MixpanelAPI
import Testing

@testable import MixpanelLake

@Suite("Count tolerance: the lake may exceed Mixpanel by max(5, 0.1 %), never fall short")
struct VerifyToleranceTests {
  let tolerance = CountTolerance.standard

  @Test(
    "allowed excess is max(5 rows, 0.1 % of Mixpanel's count, rounded down)",
    arguments: [(0, 5), (1_000, 5), (5_999, 5), (6_000, 6), (10_000, 10), (123_456, 123)])
  func allowance(mixpanel: Int, allowed: Int) {
    #expect(tolerance.allowedExcess(mixpanel: mixpanel) == allowed)
  }

  @Test("equal, within tolerance, excess and short are told apart at the boundary")
  func classification() {
    #expect(tolerance.classify(lake: 1_000, mixpanel: 1_000) == .equal)
    #expect(tolerance.classify(lake: 1_005, mixpanel: 1_000) == .withinTolerance(5))
    #expect(tolerance.classify(lake: 1_006, mixpanel: 1_000) == .lakeExcess(6))
    #expect(tolerance.classify(lake: 20_020, mixpanel: 20_000) == .withinTolerance(20))
    #expect(tolerance.classify(lake: 20_021, mixpanel: 20_000) == .lakeExcess(21))
    // One missing row is always a mismatch, however large the day.
    #expect(tolerance.classify(lake: 999_999, mixpanel: 1_000_000) == .lakeShort(1))
    #expect(!CountVerdict.withinTolerance(5).isMismatch)
    #expect(CountVerdict.lakeShort(1).isMismatch)
  }

  @Test("a name is not queryable when Mixpanel counts at most 0.1 % of the lake's rows")
  func notQueryable() {
    #expect(tolerance.looksNotQueryable(lake: 12_040, mixpanel: 0))
    #expect(tolerance.looksNotQueryable(lake: 12_040, mixpanel: 12))
    #expect(!tolerance.looksNotQueryable(lake: 12_040, mixpanel: 13))
    #expect(!tolerance.looksNotQueryable(lake: 4, mixpanel: 0))
  }

  @Test("the worked example of mixpanel-api.md §10.7.5")
  func workedExample() {
    let day = Day("2024-06-02")!
    func count(_ rows: Int, _ distinct: Int) -> EventTally.Count {
      EventTally.Count(rows: rows, distinct: distinct)
    }
    let lake = [
      "App Open": count(3_412, 3_409), "Signed Up": count(1_987, 1_987), "Purchase": count(598, 596),
      "Debug Ping": count(12_040, 12_040), "Checkout Started": count(1_102, 1_101),
    ]
    let mixpanel = EventCounts(values: [
      "App Open": [day: 3_409], "Signed Up": [day: 1_987], "Purchase": [day: 596], "Debug Ping": [day: 0],
      "Checkout Started": [day: 1_140],
    ])
    let (comparison, problems) = DayCountCheck.compare(
      day: day, lake: lake, mixpanel: mixpanel, tolerance: tolerance, settled: true)
    #expect(comparison.verdict == .lakeShort(39))
    #expect(comparison.notQueryableRows == 12_040)
    #expect(comparison.lakeRows == 3_412 + 1_987 + 598 + 12_040 + 1_102)
    #expect(problems.map(\.kind) == [.notQueryable, .countMismatch])
    #expect(problems.map(\.severity) == [.warning, .error])
    #expect(problems[1].message.contains("'Checkout Started' 1101 vs 1140"))
  }

  @Test("a name counted short while the day total agrees only warns (merged names)")
  func mergedNames() {
    let day = Day("2024-06-02")!
    let lake = [
      "A": EventTally.Count(rows: 100, distinct: 100), "B": EventTally.Count(rows: 50, distinct: 50),
    ]
    let mixpanel = EventCounts(values: ["A": [day: 150], "B": [day: 0]])
    let (comparison, problems) = DayCountCheck.compare(
      day: day, lake: lake, mixpanel: mixpanel, tolerance: tolerance, settled: true)
    #expect(comparison.verdict == .equal)
    #expect(problems.map(\.severity) == [.warning])
  }

  @Test("a name Mixpanel does not count (hidden) warns and is left out; the rest passes")
  func hiddenName() {
    let day = Day("2024-06-02")!
    let lake = [
      "A": EventTally.Count(rows: 100, distinct: 100), "Debug": EventTally.Count(rows: 900, distinct: 900),
    ]
    let mixpanel = EventCounts(values: ["A": [day: 98]])
    let (comparison, problems) = DayCountCheck.compare(
      day: day, lake: lake, mixpanel: mixpanel, tolerance: tolerance, settled: true)
    #expect(comparison.verdict == .withinTolerance(2))
    #expect(comparison.notQueryableRows == 900)
    #expect(problems.map(\.kind) == [.notQueryable])
    #expect(problems.allSatisfy { $0.severity == .warning })
  }

  @Test("EventTally counts exact duplicates once and rows without $insert_id always")
  func tally() {
    var tally = EventTally(mapper: QueryDayMapper(projectZone: .gmt, legacy: false))
    let day = Day("2024-06-02")!
    let lines = [
      #"{"event":"A","properties":{"time":1717286400,"distinct_id":"u1","$insert_id":"i1"}}"#,
      #"{"event":"A","properties":{"time":1717286400,"distinct_id":"u1","$insert_id":"i1"}}"#,
      #"{"event":"A","properties":{"time":1717286401,"distinct_id":"u1","$insert_id":"i1"}}"#,
      #"{"event":"B","properties":{"time":1717286400,"distinct_id":"u1"}}"#,
      #"{"event":"B","properties":{"time":1717286400,"distinct_id":"u1"}}"#,
    ]
    tally.startPartition()
    for line in lines { Array(line.utf8).withUnsafeBytes { tally.add($0, partitionDay: day) } }
    let counts = tally.decoded()[day]!
    #expect(counts["A"] == EventTally.Count(rows: 3, distinct: 2))
    #expect(counts["B"] == EventTally.Count(rows: 2, distinct: 2))
  }

  @Test("rows move to their project-timezone day when export days are UTC days")
  func timezoneDays() {
    var mapper = QueryDayMapper(projectZone: TimeZone(identifier: "America/Los_Angeles")!, legacy: false)
    let utcDay = Day("2024-06-03")!
    // 2024-06-03T05:00:00Z is 2024-06-02 22:00 in Los Angeles (UTC−7).
    #expect(mapper.day(time: 1_717_390_800, partitionDay: utcDay) == Day("2024-06-02"))
    #expect(mapper.day(time: 1_717_390_800_000, partitionDay: utcDay) == Day("2024-06-02"))
    #expect(mapper.partitionDays(of: Day("2024-06-02")!) == [Day("2024-06-02")!, utcDay])
    var legacy = QueryDayMapper(projectZone: TimeZone(identifier: "America/Los_Angeles")!, legacy: true)
    #expect(legacy.day(time: 1_717_390_800, partitionDay: utcDay) == utcDay)
  }
}
