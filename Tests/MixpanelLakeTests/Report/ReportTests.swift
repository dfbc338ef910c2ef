import CalendarDay
import Foundation
import Lake
import MixpanelFake
import Testing

@testable import MixpanelLake

@Suite("report: one self-contained HTML page of the lake")
struct ReportTests {
  static func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }

  @Test("one bar per day from first to last, a gap marked and listed, latest run's days marked")
  func barsGapsAndReplacedDays() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake<&>"
    let project = FakeProject(seed: 5, eventsPerDay: 200, today: Fixture.today)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(
        lake: lake, server: server, start: "2024-07-01", end: "2024-07-06")
      _ = try await Fixture.run(config)
      // A later run (with its own state) re-exports the last two days.
      let again = try VerifyFixture.config(
        lake: lake, server: server, start: "2024-07-05", end: "2024-07-06",
        extra: ["state": .string("\(dir.path)/other-state.json")])
      _ = try await ExportRun(
        config: again, logger: Fixture.logger, now: { Fixture.now.addingTimeInterval(60) }
      )
      .run()
    }
    try FileManager.default.removeItem(atPath: "\(lake)/export/day=2024-07-03")
    let report = try LakeReport.build(lake: lake)
    let export = try #require(report.streams.first { $0.stream == "export" })
    #expect(export.gaps == [Day("2024-07-03")!])
    #expect(export.replaced == [Day("2024-07-05")!, Day("2024-07-06")!])
    #expect(export.partitions == 5)

    let html = ReportHTML.render(report, generatedAt: "2024-07-15T12:00:00Z")
    #expect(Self.occurrences(of: "<rect class=\"bar", in: html) == 6)
    #expect(Self.occurrences(of: "<rect class=\"bar gap\"", in: html) == 1)
    #expect(html.contains("<title>2024-07-03: no partition</title>"))
    #expect(Self.occurrences(of: "<rect class=\"bar replaced\"", in: html) == 2)
    for day in ["2024-07-01", "2024-07-02", "2024-07-04", "2024-07-05", "2024-07-06"] {
      let rows = try #require(try ManifestStore.read(directory: "\(lake)/export/day=\(day)")).rows
      #expect(html.contains("<title>\(day): \(rows) rows</title>"))
    }
    #expect(html.contains("<ul class=\"gaps\">\n<li>2024-07-03</li>"))
    #expect(html.contains("<ul class=\"replaced\">\n<li>2024-07-05 to 2024-07-06</li>"))
    #expect(html.contains("<th>Compression ratio</th>"))
    // Self-contained and escaped: no scripts, nothing fetched, the odd lake path escaped.
    #expect(!html.contains("<script"))
    #expect(!html.contains("src="))
    #expect(!html.contains("lake<&>"))
    #expect(html.contains("lake&lt;&amp;&gt;"))
  }

  @Test("text is escaped for HTML text and attributes")
  func escaping() {
    #expect(
      HTMLText.escape(#"<a href="x">Tom & Jerry's</a>"#)
        == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
    #expect(HTMLText.grouped(1_234_567) == "1,234,567")
    #expect(HTMLText.bytes(1_536) == "1.5 KiB")
  }

  @Test("consecutive days collapse into ranges")
  func ranges() {
    let days = ["2024-07-01", "2024-07-02", "2024-07-04"].map { Day($0)! }
    #expect(ReportHTML.ranges(days) == [days[0]...days[1], days[2]...days[2]])
  }

  @Test(
    "the chart has a y-axis with row counts and month ticks; the runs table lists export, table and reset runs"
  )
  func axesAndRuns() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let project = FakeProject(seed: 6, eventsPerDay: 150, today: Fixture.today)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(
        lake: lake, server: server, start: "2024-06-27", end: "2024-07-04")
      _ = try await Fixture.run(config)
      _ = try LakeReset.run(
        config: config, stream: .export, from: Day("2024-07-04"), to: Day("2024-07-04"),
        logger: Fixture.logger,
        now: Fixture.now.addingTimeInterval(60))
    }
    let report = try LakeReport.build(lake: lake)
    #expect(report.runs.map(\.kind) == ["reset", "export"], "\(report.runs)")
    let export = try #require(report.streams.first { $0.stream == "export" })
    let top = try #require(export.days.compactMap(\.rows).max())
    let html = ReportHTML.render(report, generatedAt: "2024-07-15T12:00:00Z")
    #expect(html.contains(">\(HTMLText.grouped(top))</text>") && html.contains(">0</text>"), "y-axis labels")
    #expect(Self.occurrences(of: "<line class=\"grid\"", in: html) == 3)
    #expect(Self.occurrences(of: "<line class=\"tick\"", in: html) == 1)
    #expect(html.contains(">2024-07</text>"))
    #expect(html.contains("<table class=\"runs\">"))
    let exportRun = try #require(report.runs.last)
    #expect(html.contains("<code>\(exportRun.runID)</code>") && html.contains("<td>succeeded</td>"))
    #expect(
      html.contains(
        "<td>−\(HTMLText.grouped(project.truth(from: FakeDay("2024-07-04")!, to: FakeDay("2024-07-04")!).total))</td>"
      ))
    #expect(
      exportRun.committedWindows == exportRun.plannedWindows
        && exportRun.rows == export.rows + (report.runs.first?.rowsRemoved ?? 0))
  }

  @Test("a run paced by the limiter records its rate-limit waits, and the runs table shows them")
  func rateLimitWaits() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let project = FakeProject(seed: 8, eventsPerDay: 20, today: Fixture.today)
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      // Five one-day windows at one request a second on a virtual clock: four of them wait.
      try await Fixture.runLake(
        Fixture.config(
          lake: lake, server: server, start: "\(Fixture.today.advanced(by: -5))",
          end: "\(Fixture.today.advanced(by: -1))",
          extra: ["date_window_size": .integer(1), "export_requests_per_second": .integer(1)]))
    }
    let export = try #require(summary.export)
    #expect(export.rateLimitWaits == 4 && export.rateLimitWaitSeconds >= 3, "\(export.rateLimitWaits)")
    let report = try LakeReport.build(lake: lake)
    let run = try #require(report.runs.first)
    #expect(run.rateLimitWaits == 4)
    let html = ReportHTML.render(report, generatedAt: "2024-07-15T12:00:00Z")
    #expect(html.contains("<th>Rate-limit waits</th>"))
    let waited = RequestBudget.describe(seconds: Int((run.rateLimitWaitSeconds ?? 0).rounded()))
    #expect(html.contains("<td>4 (\(waited))</td>"), "\(html)")
  }
}
