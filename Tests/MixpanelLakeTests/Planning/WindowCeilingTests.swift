import CalendarDay
import Foundation
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

@Suite("terminated early lowers the window ceiling for the rest of the run")
struct WindowCeilingTests {
  static let first = Day("2024-06-01")!
  var first: Day { Self.first }

  static func window(_ from: Int, _ to: Int) -> DayWindow {
    DayWindow(from: first.adding(days: from), to: first.adding(days: to))
  }

  @Test("in events: an answer ended early brings the ceiling to its larger half, never up; cuts keep to it")
  func events() {
    var perDay: [Day: Int] = [:]
    for offset in 0..<8 { perDay[first.adding(days: offset)] = 100 }
    perDay[first.adding(days: 9)] = 5_000
    var ceiling = WindowCeiling(eventsPerDay: perDay, maxEvents: 1_000)
    #expect(ceiling.size(Self.window(0, 7)) == 800)
    #expect(ceiling.cut(Self.window(0, 7)) == [Self.window(0, 7)], "a window under the ceiling stays whole")
    let lowered = ceiling.lower(endedEarly: Self.window(0, 7))
    #expect(lowered)
    #expect(ceiling.limit == 400)
    let again = ceiling.lower(endedEarly: Self.window(0, 7))
    #expect(!again, "the same window again does not lower it")
    let single = ceiling.lower(endedEarly: Self.window(0, 0))
    #expect(!single, "a single day has no halves")
    #expect(ceiling.limit == 400)
    #expect(ceiling.cut(Self.window(0, 7)) == [Self.window(0, 3), Self.window(4, 7)])
    // A day above the ceiling is a window of its own; the days around it keep to the ceiling.
    #expect(ceiling.cut(Self.window(4, 9)) == [Self.window(4, 8), Self.window(9, 9)])
    // Never more than two at a time, by volume: counts far too low must not turn the rest of
    // the run into single days.
    let cut = ceiling.cut(Self.window(4, 10))
    #expect(cut == [Self.window(4, 8), Self.window(9, 10)], "\(cut)")
    var quiet = WindowCeiling(eventsPerDay: [:], maxEvents: 1_000)
    let none = quiet.lower(endedEarly: Self.window(0, 7))
    #expect(!none && quiet.limit == 1_000, "halves with no counted events say nothing of the size")
  }

  @Test(
    "in days: fixed windows come down to the larger half, and waiting windows are cut evenly and gap-free")
  func days() {
    var ceiling = WindowCeiling(maxDays: 30)
    #expect(ceiling.cut(Self.window(0, 29)) == [Self.window(0, 29)])
    let lowered = ceiling.lower(endedEarly: Self.window(0, 28))
    #expect(lowered)
    #expect(ceiling.limit == 15)
    #expect(ceiling.cut(Self.window(0, 29)) == [Self.window(0, 14), Self.window(15, 29)])
    #expect(ceiling.cut(Self.window(0, 30)).map(\.dayCount) == [15, 16])
    // Never more than two at a time: what a split would make anyway.
    #expect(ceiling.cut(Self.window(0, 59)) == [Self.window(0, 29), Self.window(30, 59)])
  }

  /// One window at a time against a fake that ends every answer above `maxLines`: the first
  /// answers that end early lower the ceiling, and the windows still waiting are cut before
  /// they are asked for.
  private static func run(seed: UInt64, extra: [String: JSONNode], maxLines: Int, days: Int) async throws -> (
    summary: RunSummary, endedEarly: Int, truth: [String: Int], lake: [String: Int], ids: [String]
  ) {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: seed, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -(days - 1))
    let faults = FakeFaults(maxLinesPerAnswer: maxLines)
    let (summary, endedEarly) = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        extra: extra.merging([
          "max_concurrent_windows": .number("1"), "query_api_url": .string(server.baseURL),
        ]) { $1 })
      let summary = try await Fixture.run(config)
      return (summary, server.injectedFaults["answerTooLarge", default: 0])
    }
    let census = try LakeReader(root: lake.path).census()
    return (
      summary, endedEarly, project.truth(from: first, to: Fixture.today).byDay, census.rows, census.insertIDs
    )
  }

  @Test(
    "windows sized by volume: after two answers end early every waiting window is cut to fit, and the lake equals the truth"
  )
  func byVolume() async throws {
    // 16 days × ~300 events in 4 windows of ~1,200; answers above 500 lines end early. Without
    // the ceiling every window would end early three times (itself and both halves): 12.
    let result = try await Self.run(
      seed: 131,
      extra: [
        "date_window_size": .string("auto"), "max_events_per_window": .integer(1_200),
      ], maxLines: 500, days: 16)
    let planned = result.summary.plannedWindows
    #expect(planned >= 4, "\(planned)")
    #expect(
      result.endedEarly >= 1 && result.endedEarly <= 3,
      "\(result.endedEarly) answers ended early, \(planned) windows planned")
    #expect(result.summary.recutWindows >= 3, "\(result.summary.recutWindows)")
    #expect(result.summary.failedWindows.isEmpty)
    #expect(result.lake == result.truth)
    #expect(Set(result.ids).count == result.ids.count)
  }

  @Test("fixed windows: one answer ended early halves every waiting window of the run")
  func fixedDays() async throws {
    // 16 days in 2 windows of 8 (~2,400 events); answers above 1,300 lines end early, halves fit.
    let result = try await Self.run(
      seed: 132, extra: ["date_window_size": .number("8")], maxLines: 1_300, days: 16)
    #expect(result.summary.plannedWindows == 2)
    #expect(result.endedEarly == 1, "the second window was cut before it was asked for")
    #expect(result.summary.recutWindows == 1)
    #expect(result.lake == result.truth)
    #expect(Set(result.ids).count == result.ids.count)
  }
}
