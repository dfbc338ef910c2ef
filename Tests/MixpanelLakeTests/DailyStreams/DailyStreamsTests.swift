import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("Daily streams (funnels, revenue) end to end over loopback")
struct DailyStreamsTests {
  @Test("funnels and revenue equal the fake's truth; days are project-timezone days")
  func rowsEqualTheTruth() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 41, eventsPerDay: 0, today: Fixture.today)
    // 03:00 UTC on the 16th is still the 15th in Los Angeles, the fake's (and the project's) today.
    let now = Date(timeIntervalSince1970: Double(Fixture.today.startEpochSeconds + 86_400 + 3 * 3_600))
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try DailyFixture.config(
        lake: lake.path, server: server, start: "2024-07-01",
        extra: ["project_timezone": .string("America/Los_Angeles")])
      let summary = try await DailyFixture.run(config, now: now)
      let paths = server.requestLog.entries.map(\.path)
      #expect(paths.filter { $0 == "/api/query/funnels/list" }.count == 1)
      #expect(paths.filter { $0 == "/api/query/funnels" }.count == 9, "3 funnels × 3 windows of 7 days")
      #expect(paths.filter { $0 == "/api/2.0/engage/revenue" }.count == 3)
      return summary
    }
    #expect(summary.day == "2024-07-15")
    #expect(summary.failedStreams.isEmpty && summary.skippedStreams.isEmpty)
    #expect(summary.streams.map(\.stream) == ["funnels", "revenue"])
    let funnels = try #require(summary.streams.first)
    #expect(funnels.days == 15 && funnels.rows == 45 && funnels.requests == 10)
    #expect(funnels.bookmark == "2024-07-15T00:00:00Z")

    let reader = LakeReader(root: lake.path)
    #expect(try reader.dayFolders(stream: "funnels") == DailyFixture.folders("2024-07-01", "2024-07-15"))
    let rows = try DailyFixture.funnelRows(lake: lake.path)
    #expect(
      rows == DailyFixture.expected(project.funnelRows(from: FakeDay("2024-07-01")!, to: Fixture.today)))
    let revenue = try DailyFixture.revenueRows(lake: lake.path)
    #expect(
      revenue == DailyFixture.expected(project.revenueRows(from: FakeDay("2024-07-01")!, to: Fixture.today)))

    let state = try StateStore.read("\(lake.path)/_state.json")
    #expect(state.bookmarks == ["funnels": "2024-07-15T00:00:00Z", "revenue": "2024-07-15T00:00:00Z"])
    let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/funnels/day=2024-07-03"))
    #expect(
      manifest.rows == 3 && manifest.stream == "funnels" && manifest.partition == "funnels/day=2024-07-03")

    let counts = try DuckDB.query(
      """
      SELECT count(*), count(DISTINCT (funnel_id, date)), sum(analysis.starting_amount)
      FROM read_json('\(lake.path)/funnels/*/*.jsonl.zst', hive_partitioning = true, format = 'newline_delimited')
      """)
    let starting = project.funnelRows(from: FakeDay("2024-07-01")!, to: Fixture.today).reduce(0) {
      $0 + $1.startingAmount
    }
    #expect(counts.first as? [String] == ["45", "45", "\(starting)"])
    let money = try DuckDB.query(
      """
      SELECT count(*), count(DISTINCT date), sum(paid_count), min(CAST(day AS VARCHAR))
      FROM read_json('\(lake.path)/revenue/*/*.jsonl.zst', hive_partitioning = true, format = 'newline_delimited')
      """)
    let paid = project.revenueRows(from: FakeDay("2024-07-01")!, to: Fixture.today).reduce(0) {
      $0 + $1.paidCount
    }
    #expect(money.first as? [String] == ["15", "15", "\(paid)", "2024-07-01"])
  }

  @Test("a second run re-fetches only the attribution window and replaces those days")
  func secondRunReplacesTheAttributionWindow() async throws {
    let lake = TemporaryDirectory()
    let first = FakeProject(seed: 42, eventsPerDay: 0, today: Fixture.today)
    try await withFakeMixpanelServer(first, logger: Fixture.logger) { server in
      _ = try await DailyFixture.run(
        DailyFixture.config(lake: lake.path, server: server, start: "2024-07-01"))
    }
    let later = FakeDay("2024-07-18")!
    let second = FakeProject(seed: 42, eventsPerDay: 0, today: later)
    let laterNow = Date(timeIntervalSince1970: Double(later.startEpochSeconds + 43_200))
    let summary = try await withFakeMixpanelServer(second, logger: Fixture.logger) { server in
      let summary = try await DailyFixture.run(
        DailyFixture.config(lake: lake.path, server: server, start: "2024-07-01"), now: laterNow)
      let windows = server.requestLog.entries.filter { $0.path != "/api/query/funnels/list" }.map { entry in
        ["from_date", "to_date"].map { name in entry.query.first { $0.name == name }?.value ?? "" }
      }
      #expect(windows.filter { $0 == ["2024-07-10", "2024-07-16"] }.count == 4, "bookmark 07-15 − 5 days")
      #expect(windows.filter { $0 == ["2024-07-17", "2024-07-18"] }.count == 4)
      #expect(windows.count == 8)
      return summary
    }
    #expect(summary.streams.allSatisfy { $0.status == .committed && $0.days == 9 })

    let start = FakeDay("2024-07-01")!
    let oldTruth = first.funnelRows(from: start, to: Fixture.today)
    let newTruth = second.funnelRows(from: start, to: later)
    #expect(
      oldTruth.filter { $0.day >= FakeDay("2024-07-12")! }
        != newTruth.filter {
          $0.day >= FakeDay("2024-07-12")! && $0.day <= Fixture.today
        }, "recent days changed between the runs")
    let rows = try DailyFixture.funnelRows(lake: lake.path)
    #expect(rows == DailyFixture.expected(newTruth), "every day as the second run saw it, each key once")
    let revenue = try DailyFixture.revenueRows(lake: lake.path)
    #expect(revenue == DailyFixture.expected(second.revenueRows(from: start, to: later)))
    #expect(try LakeReader(root: lake.path).dayFolders(stream: "revenue").count == 18)
    let state = try StateStore.read("\(lake.path)/_state.json")
    #expect(state.bookmarks["funnels"] == "2024-07-18T00:00:00Z")
    let kept = try #require(try ManifestStore.read(directory: "\(lake.path)/funnels/day=2024-07-09"))
    let replaced = try #require(try ManifestStore.read(directory: "\(lake.path)/funnels/day=2024-07-10"))
    #expect(kept.runID != summary.runID && replaced.runID == summary.runID)
    #expect(try LakeReader(root: lake.path).partFiles("day=2024-07-10", stream: "funnels").count == 1)
  }

  @Test("revenue failing part-way: exit 0, the first window's days kept, and no _SUCCESS")
  func revenuePartWayWithholdsSuccess() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let project = FakeProject(seed: 44, eventsPerDay: 0, today: today)
    let faults = FakeFaults(seed: 2, queryServerError: FaultRule(rate: 1, maxInjections: 100, after: 1))
    let result = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = """
        {"api_secret": "\(project.apiSecret)", "start_date": "\(today.advanced(by: -13))",
         "export_api_url": "\(server.baseURL)", "query_api_url": "\(server.baseURL)", "lake": "\(dir.path)/lake",
         "streams": ["revenue"], "date_window_size": 7, "max_attempts": 1, "project_timezone": "UTC"}
        """
      try config.write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
      return try await CLIProcess.run(["export", "--config", "\(dir.path)/c.json", "--quiet"])
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try LakeReader(root: "\(dir.path)/lake").dayFolders(stream: "revenue").count == 7)
    #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake/_SUCCESS"))
  }

  @Test("revenue unavailable: a warning, the stream is skipped, funnels still commit")
  func revenueUnavailableIsSkipped() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 43, eventsPerDay: 0, today: Fixture.today)
    project.setRevenueUnavailable(status: 402)
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await DailyFixture.run(DailyFixture.config(lake: lake.path, server: server, start: "2024-07-10"))
    }
    #expect(summary.failedStreams.isEmpty)
    let skipped = try #require(summary.skippedStreams.first)
    #expect(
      skipped.stream == "revenue" && skipped.requests == 1 && skipped.message?.contains("HTTP 402") == true)
    #expect(summary.text.contains("warning: revenue skipped"))
    #expect(summary.streams.first?.status == .committed)
    #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/revenue"))
    let state = try StateStore.read("\(lake.path)/_state.json")
    #expect(state.bookmarks.keys.sorted() == ["funnels"])
  }

  @Test("the binary runs funnels and revenue after export; revenue unavailable still exits 0")
  func commandLine() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 44, eventsPerDay: 20)
    project.setRevenueUnavailable(status: 404)
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let json = """
        {"api_secret": "\(project.apiSecret)", "start_date": "\(project.today.advanced(by: -2))",
         "lake": "\(dir.path)/lake", "export_api_url": "\(server.baseURL)",
         "query_api_url": "\(server.baseURL)", "query_requests_per_hour": 1000}
        """
      try json.write(toFile: "\(dir.path)/config.json", atomically: true, encoding: .utf8)
      return try await CLIProcess.run([
        "export", "--config", "\(dir.path)/config.json", "--streams", "export,funnels,revenue", "--quiet",
      ])
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("\nfunnels ") && result.stdout.contains("\nrevenue         skipped"))
    #expect(result.stdout.contains("warning: revenue skipped"))
    #expect(result.stderr.contains("daily.skipped"))
    #expect(try LakeReader(root: "\(dir.path)/lake").dayFolders(stream: "funnels").count == 3)
    #expect(try LakeReader(root: "\(dir.path)/lake").dayFolders(stream: "export").count == 3)
  }
}
