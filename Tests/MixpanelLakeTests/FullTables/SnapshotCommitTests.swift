import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import TestSupport
import Testing

@testable import MixpanelLake

@Suite("Full-table snapshots: replace, dated folders, pacing, failures")
struct SnapshotCommitTests {
  @Test("a second run replaces the snapshot: same rows, new part names, old parts gone")
  func secondRunReplaces() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 2, eventsPerDay: 0, today: Fixture.today, profiles: 400)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try StreamsFixture.config(
        lake: lake.path, server: server, streams: ["engage", "cohort_members"],
        extra: ["engage_page_size": .integer(100), "max_part_bytes": .integer(1 << 16)])
      _ = try await StreamsFixture.run(config)
      let reader = LakeReader(root: lake.path)
      let before = try reader.tableParts("engage")
      let membersBefore = try reader.tableLines("cohort_members")
      _ = try await StreamsFixture.run(config)
      let after = try reader.tableParts("engage")
      #expect(!before.isEmpty && Set(before).isDisjoint(with: after), "new part names, old ones removed")
      let ids = try StreamsFixture.rows(lake: lake.path, "engage").map { $0["distinct_id"] as! String }
      #expect(ids == project.profileDistinctIDs)
      #expect(try reader.tableLines("cohort_members") == membersBefore)
      let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/engage"))
      #expect(manifest.files.map(\.path) == after)
      let hidden = try FileManager.default.contentsOfDirectory(atPath: "\(lake.path)/engage").filter {
        $0.hasPrefix(".")
      }
      #expect(hidden.isEmpty)
    }
  }

  @Test("snapshots: true writes snapshot_date= folders and keeps the older ones")
  func datedSnapshots() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 6, eventsPerDay: 0, today: Fixture.today, profiles: 120)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try StreamsFixture.config(
        lake: lake.path, server: server, streams: ["engage", "cohorts"], extra: ["snapshots": .bool(true)])
      _ = try await StreamsFixture.run(config)
      _ = try await StreamsFixture.run(config, now: Fixture.now.addingTimeInterval(86_400))
    }
    let next = Fixture.today.advanced(by: 1)
    for stream in ["engage", "cohorts"] {
      // The stream folder holds the snapshots and the stream's `_schema.json`.
      let folders = try FileManager.default.contentsOfDirectory(atPath: "\(lake.path)/\(stream)").sorted()
        .filter { $0 != "_schema.json" }
      #expect(folders == ["snapshot_date=\(Fixture.today)", "snapshot_date=\(next)"], "\(stream)")
      #expect(FileManager.default.fileExists(atPath: "\(lake.path)/\(stream)/_schema.json"))
      for folder in folders {
        let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/\(stream)/\(folder)"))
        #expect(manifest.partition == "\(stream)/\(folder)")
      }
    }
    #expect(try StreamsFixture.rows(lake: lake.path, "engage/snapshot_date=\(next)").count == 120)
    let rows = try DuckDB.query(
      "SELECT CAST(snapshot_date AS VARCHAR), count(*) FROM read_json('\(lake.path)/engage/*/*.jsonl.zst', hive_partitioning = true, format = 'newline_delimited') GROUP BY 1 ORDER BY 1"
    )
    #expect(rows.map { $0 as? [String] } == [["\(Fixture.today)", "120"], ["\(next)", "120"]])
  }

  @Test("every Query call takes a permit: 26 pages at 10/hour wait 2 virtual hours, no real time")
  func limiterPacesOnInjectedClock() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 8, eventsPerDay: 0, today: Fixture.today, profiles: 500)
    let clock = VirtualClock()
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await StreamsFixture.run(
        StreamsFixture.config(
          lake: lake.path, server: server, streams: ["engage"],
          extra: ["engage_page_size": .integer(20), "query_requests_per_hour": .integer(10)]),
        clock: clock)
    }
    #expect(summary.streams.first?.requests == 26 && summary.streams.first?.rows == 500)
    #expect(clock.now.offset >= .seconds(2 * 3600) && clock.now.offset < .seconds(3 * 3600))
  }

  @Test("Query API 500s and 429s are retried: every table and daily row once, 429s wait 60 s or more")
  func queryFaultsRecover() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 6, eventsPerDay: 0, today: Fixture.today, profiles: 300)
    let faults = FakeFaults(
      seed: 11, queryServerError: FaultRule(rate: 0.3, maxInjections: 4),
      queryTooManyRequests: FaultRule(rate: 0.3, maxInjections: 3))
    let clock = VirtualClock()
    let first = FakeDay("2024-07-01")!
    let (tables, daily, injected) = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try StreamsFixture.config(
        lake: lake.path, server: server,
        streams: ["engage", "cohorts", "cohort_members", "annotations", "funnels", "revenue"],
        extra: [
          "engage_page_size": .integer(100), "start_date": .string("\(first)"),
          "date_window_size": .integer(7),
        ])
      let tables = try await StreamsFixture.run(config, clock: clock)
      let daily = try await QueryStreamsRun(
        config: config, logger: Fixture.logger, clock: clock, now: { Fixture.now }
      ).daily()
      return (tables, daily, server.injectedFaults)
    }
    #expect(injected["query5xx", default: 0] == 4 && injected["query429", default: 0] == 3, "\(injected)")
    #expect(tables.failedStreams.isEmpty && daily.failedStreams.isEmpty && daily.skippedStreams.isEmpty)
    let retries = tables.streams.reduce(0) { $0 + $1.retries } + daily.streams.reduce(0) { $0 + $1.retries }
    #expect(retries == 7)
    #expect(clock.requestedSleeps.filter { $0 >= .seconds(60) }.count >= 3, "each 429 waits a minute or more")
    let ids = try StreamsFixture.rows(lake: lake.path, "engage").map { $0["distinct_id"] as! String }
    #expect(ids == project.profileDistinctIDs)
    #expect(try StreamsFixture.rows(lake: lake.path, "cohorts").count == project.cohorts.count)
    #expect(
      try DailyFixture.funnelRows(lake: lake.path)
        == DailyFixture.expected(project.funnelRows(from: first, to: Fixture.today)))
  }

  @Test("an engage pass that fails part-way is continued by the next run at the page it stopped")
  func engageResumes() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 7, eventsPerDay: 0, today: Fixture.today, profiles: 250)
    // Pages 0 and 1 succeed, page 2 fails once; one attempt per call.
    let faults = FakeFaults(seed: 3, queryServerError: FaultRule(rate: 1, maxInjections: 1, after: 2))
    try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try StreamsFixture.config(
        lake: lake.path, server: server, streams: ["engage"],
        extra: [
          "engage_page_size": .integer(50), "max_attempts": .integer(1), "max_part_bytes": .integer(1 << 16),
        ])
      let first = try await StreamsFixture.run(config)
      #expect(first.streams.map(\.status) == [.failed])
      let checkpoint = try #require(EngageCheckpoint.read(lake: lake.path))
      #expect(checkpoint.nextPage == 2 && !checkpoint.files.isEmpty)
      #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/engage/_manifest.json"))
      let requestsBefore = server.requestLog.entries.count
      let second = try await StreamsFixture.run(config)
      #expect(second.streams.map(\.status) == [.committed])
      // Pages 2, 3, 4 and the empty page 5: pages 0 and 1 are not fetched again.
      let pages = server.requestLog.entries.dropFirst(requestsBefore).filter { $0.path.hasSuffix("/engage") }
      #expect(pages.count == 4 && pages.allSatisfy { $0.status == 200 })
    }
    try Self.expectWholeEngageTable(lake.path, project)
    let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/engage"))
    #expect(manifest.files.first?.rows == 100, "the kept pages come first")
  }

  /// Every profile of `project` once in the committed engage table, and nothing hidden left over
  /// (no temporary part file, no checkpoint).
  static func expectWholeEngageTable(_ lake: String, _ project: FakeProject) throws {
    let ids = try StreamsFixture.rows(lake: lake, "engage").map { $0["distinct_id"] as! String }
    #expect(ids.sorted() == project.profileDistinctIDs.sorted(), "every profile once")
    #expect(EngageCheckpoint.read(lake: lake) == nil)
    let names = try FileManager.default.contentsOfDirectory(atPath: "\(lake)/engage")
    #expect(names.allSatisfy { !$0.hasPrefix(".") }, "no temporary file or checkpoint left: \(names)")
  }

  @Test("a checkpoint whose session has expired is dropped: the pass starts again from page 0")
  func engageResumeAfterExpiry() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 8, eventsPerDay: 0, today: Fixture.today, profiles: 250)
    let faults = FakeFaults(seed: 3, queryServerError: FaultRule(rate: 1, maxInjections: 1, after: 2))
    let extra: [String: JSONNode] = ["engage_page_size": .integer(50), "max_attempts": .integer(1)]
    try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let first = try await StreamsFixture.run(
        StreamsFixture.config(lake: lake.path, server: server, streams: ["engage"], extra: extra))
      #expect(first.streams.map(\.status) == [.failed] && EngageCheckpoint.read(lake: lake.path) != nil)
    }
    // Another server: it never opened that session, as Mixpanel after the session's lifetime.
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let second = try await StreamsFixture.run(
        StreamsFixture.config(lake: lake.path, server: server, streams: ["engage"], extra: extra))
      #expect(second.streams.map(\.status) == [.committed])
      let pages = server.requestLog.entries.filter { $0.path.hasSuffix("/engage") }
      #expect(pages.map { $0.status } == [400, 200, 200, 200, 200, 200, 200])
    }
    try Self.expectWholeEngageTable(lake.path, project)
    // One pass from page 0: the profiles in Mixpanel's order.
    let ids = try StreamsFixture.rows(lake: lake.path, "engage").map { $0["distinct_id"] as! String }
    #expect(ids == project.profileDistinctIDs)
  }

  @Test("a resumed pass that fails at once keeps its checkpoint and files for the run after")
  func engageResumeFailsAgain() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 9, eventsPerDay: 0, today: Fixture.today, profiles: 250)
    // Page 2 fails in the first run, and again as the second run's first request.
    let faults = FakeFaults(seed: 3, queryServerError: FaultRule(rate: 1, maxInjections: 2, after: 2))
    try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try StreamsFixture.config(
        lake: lake.path, server: server, streams: ["engage"],
        extra: ["engage_page_size": .integer(50), "max_attempts": .integer(1), "snapshots": .bool(true)])
      _ = try await StreamsFixture.run(config)
      let kept = try #require(EngageCheckpoint.read(lake: lake.path))
      #expect(
        kept.partition == "engage/snapshot_date=\(Fixture.today)" && kept.total == 250 && kept.rows == 100)
      // The next run starts the day after: the pass still commits into the day it began.
      let tomorrow = Fixture.now.addingTimeInterval(86_400)
      let second = try await StreamsFixture.run(config, now: tomorrow)
      #expect(second.streams.map(\.status) == [.failed])
      var again = try #require(EngageCheckpoint.read(lake: lake.path), "the checkpoint stays")
      again.savedAt = kept.savedAt
      #expect(again == kept, "the same page, session and files")
      let third = try await StreamsFixture.run(config, now: tomorrow)
      #expect(third.streams.map(\.status) == [.committed])
      #expect(third.streams.first?.partition == "engage/snapshot_date=\(Fixture.today)")
    }
    let ids = try StreamsFixture.rows(lake: lake.path, "engage/snapshot_date=\(Fixture.today)").map {
      $0["distinct_id"] as! String
    }
    #expect(ids.sorted() == project.profileDistinctIDs.sorted())
    #expect(EngageCheckpoint.read(lake: lake.path) == nil)
  }

  @Test("an engage session that expires once mid-pagination: restarted from page 0, every profile once")
  func sessionExpiresOnce() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 3, eventsPerDay: 0, today: Fixture.today, profiles: 250)
    let configuration = FakeServerConfiguration(engageSessionsExpiringAtOnce: 1)
    try await withFakeMixpanelServer(project, configuration: configuration, logger: Fixture.logger) {
      server in
      let summary = try await StreamsFixture.run(
        StreamsFixture.config(
          lake: lake.path, server: server, streams: ["engage"], extra: ["engage_page_size": .integer(100)]))
      #expect(summary.streams.map(\.status) == [.committed])
      // Page 0, page 1 refused (expired); then pages 0, 1, 2 of the new session.
      #expect(summary.streams[0].requests == 5)
      let pages = server.requestLog.entries.filter { $0.path.hasSuffix("/engage") }.map(\.status)
      #expect(pages == [200, 400, 200, 200, 200])
    }
    let ids = try StreamsFixture.rows(lake: lake.path, "engage").map { $0["distinct_id"] as! String }
    #expect(ids == project.profileDistinctIDs, "the first pass's page is not kept twice")
  }

  @Test("a stream that fails (engage sessions always expired) is reported; the others commit")
  func failureIsolated() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 1, eventsPerDay: 0, today: Fixture.today, profiles: 250)
    let configuration = FakeServerConfiguration(engageSessionLifetime: .zero)
    try await withFakeMixpanelServer(project, configuration: configuration, logger: Fixture.logger) {
      server in
      let summary = try await StreamsFixture.run(
        StreamsFixture.config(
          lake: lake.path, server: server, streams: ["engage", "cohorts", "annotations"],
          extra: ["engage_page_size": .integer(100)]))
      #expect(summary.streams.map(\.status) == [.failed, .committed, .committed])
      #expect(summary.errors.count == 1)
      // Three passes (two restarts), each failing on page 1.
      #expect(summary.streams[0].requests == 6)
      #expect(summary.failedStreams.first?.message?.contains("session") == true)
      #expect(summary.text.contains("error: engage"))
    }
    #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/engage/_manifest.json"))
    let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: "\(lake.path)/engage")) ?? []
    #expect(leftovers.isEmpty, "a failed pass leaves no temporary files")
    #expect(try StreamsFixture.rows(lake: lake.path, "cohorts").count == project.cohorts.count)
  }

  // The classification the run applies to every stream error (the end-to-end 402 is in
  // Singer/DiscoveryTests, with the fake's engage switch).
  @Test("a 402 on the engage endpoint skips engage and cohort_members; elsewhere it fails")
  func paymentRequiredDegrades() {
    let payment = MixpanelAPIError(
      kind: .paymentRequired, status: 402, serverMessage: "Your plan does not allow API calls",
      context: "engage")
    typealias Context = FullTableContext<VirtualClock>
    #expect(Context.status(after: payment, in: .engage) == .skipped)
    #expect(Context.status(after: payment, in: .cohortMembers) == .skipped)
    #expect(Context.status(after: payment, in: .annotations) == .failed)
    let server = MixpanelAPIError(
      kind: .server, status: 500, serverMessage: "unknown error", context: "engage")
    #expect(Context.status(after: server, in: .engage) == .failed)
  }
}
