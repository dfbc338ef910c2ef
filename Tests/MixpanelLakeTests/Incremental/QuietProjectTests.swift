import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

@Suite("Quiet projects: windows without rows still move the bookmark")
struct QuietProjectTests {
  static let project = FakeProject(seed: 31, eventsPerDay: 200, today: Fixture.today)
  static let first = Fixture.today.advanced(by: -10)
  static let last = Fixture.today.advanced(by: -6)

  static func config(_ lake: String, _ server: FakeServerHandle) throws -> LakeConfig {
    try Fixture.config(
      lake: lake, server: server, start: "\(first)", end: "\(last)",
      extra: [
        "export_events": .array([.string("NoSuchEvent")]), "date_window_size": .integer(2),
        "attribution_window": .integer(2),
      ])
  }

  @Test(
    "export_events matching nothing over days 1–5: the run succeeds, the bookmark is on day 5, a rerun plans only the attribution window"
  )
  func lakeBookmarkAdvances() async throws {
    let lake = TemporaryDirectory()
    try await withFakeMixpanelServer(Self.project, logger: Fixture.logger) { server in
      let config = try Self.config(lake.path, server)
      let run = ExportRun(config: config, logger: Fixture.logger, clock: VirtualClock(), now: { Fixture.now })
      let summary = try await run.run()
      #expect(summary.failedWindows.isEmpty && summary.rows == 0)
      let state = try StateStore.read(config.resolvedStatePath)
      #expect(state.bookmarks["export"] == "\(Self.last)T23:59:59Z")
      let again = try run.plan()
      #expect(again.firstDay == Day("\(Self.last.advanced(by: -config.attributionWindow))"))
      #expect(FileManager.default.fileExists(atPath: "\(lake.path)/_SUCCESS"))
    }
  }

  @Test("tap mode: the STATE after an export with no rows carries the bookmark on the last day")
  func tapBookmarkAdvances() async throws {
    try await withFakeMixpanelServer(Self.project, logger: Fixture.logger) { server in
      var config = try Self.config("/nonexistent-lake", server)
      config.lake = "/nonexistent-lake"
      let (messages, state) = try await SingerFixture.sync(config)
      #expect(messages.records("export").isEmpty)
      #expect(state.bookmark("export") == "\(Self.last)T23:59:59.000000Z")
    }
  }
}

@Suite("Mixpanel's today earlier than the plan's")
struct ToDateAfterTodayTests {
  @Test(
    "400 'to_date cannot be later than today' ends the window a day earlier instead of failing it",
    arguments: [1, 3])
  func windowEndsADayEarlier(windowSize: Int) async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 32, eventsPerDay: 150, today: Fixture.today)
    let first = Fixture.today.advanced(by: -4)
    // The plan's clock is a day ahead of Mixpanel's (a zone far east of the project's).
    let ahead = Fixture.now.addingTimeInterval(86_400)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        extra: ["date_window_size": .integer(windowSize)])
      let summary = try await ExportRun(
        config: config, logger: Fixture.logger, clock: VirtualClock(), now: { ahead }
      ).run()
      #expect(summary.failedWindows.isEmpty, "\(summary.failedWindows.map(\.error))")
      let truth = project.truth(from: first, to: Fixture.today)
      #expect(summary.rows == truth.total)
      let census = try LakeReader(root: lake.path).census()
      #expect(census.rows.keys.sorted().last == "\(Fixture.today)")
      #expect(census.rows.values.reduce(0, +) == truth.total)
    }
  }
}
