import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Synchronization
import Testing

@Suite("commit_mode direct, for object-storage mounts")
struct CommitModeTests {
  @Test(
    "direct mode writes hidden names only (a killed writer on s3fs uploads what it wrote), equals the truth, and a rerun replaces"
  )
  func direct() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 41, eventsPerDay: 400, today: Fixture.today)
    let first = Fixture.today.advanced(by: -5)
    let written = Mutex<[String]>([])
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      var config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)", extra: ["commit_mode": .string("direct")])
      config.failureInjector = FailureInjector { path in
        written.withLock { $0.append(path) }
        return nil
      }
      _ = try await Fixture.run(config)
      try FileSystem.remove("\(lake.path)/_state.json")
      _ = try await Fixture.run(config)
    }
    let names = written.withLock { $0 }.map { ($0 as NSString).lastPathComponent }
    #expect(!names.isEmpty)
    #expect(
      names.allSatisfy { $0.hasPrefix(".") },
      "no final name is ever written: \(names.filter { !$0.hasPrefix(".") })")
    let reader = LakeReader(root: lake.path)
    let census = try reader.census()
    #expect(census.rows == project.truth(from: first, to: Fixture.today).byDay)
    #expect(
      Set(census.insertIDs).count == census.insertIDs.count, "the second run's files replaced the first's")
    for folder in try reader.dayFolders() {
      let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/export/\(folder)"))
      #expect(try reader.partFiles(folder) == manifest.files.map(\.path))
    }
  }

  @Test("direct mode commits the table streams and the daily streams too, writing hidden names only")
  func directTablesAndDailyStreams() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 43, eventsPerDay: 0, today: Fixture.today, profiles: 300)
    let written = Mutex<[String]>([])
    let injector = FailureInjector { path in
      written.withLock { $0.append(path) }
      return nil
    }
    let (tables, daily) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      var tableConfig = try StreamsFixture.config(
        lake: lake.path, server: server, streams: ["engage", "cohorts", "cohort_members", "annotations"],
        extra: ["commit_mode": .string("direct")])
      tableConfig.failureInjector = injector
      var dailyConfig = try DailyFixture.config(
        lake: lake.path, server: server, start: "2024-07-01", extra: ["commit_mode": .string("direct")])
      dailyConfig.failureInjector = injector
      return (try await StreamsFixture.run(tableConfig), try await DailyFixture.run(dailyConfig))
    }
    #expect(tables.failedStreams.isEmpty && daily.failedStreams.isEmpty)
    let names = written.withLock { $0 }.map { ($0 as NSString).lastPathComponent }
    #expect(names.contains { $0.hasPrefix(".part-") } && names.contains("._manifest.json.tmp"))
    #expect(names.allSatisfy { $0.hasPrefix(".") }, "no final name is ever written: \(names)")
    let ids = try StreamsFixture.rows(lake: lake.path, "engage").map { $0["distinct_id"] as! String }
    #expect(ids == project.profileDistinctIDs)
    for table in ["engage", "cohorts", "cohort_members", "annotations"] {
      let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/\(table)"), "\(table)")
      #expect(try LakeReader(root: lake.path).tableParts(table) == manifest.files.map(\.path))
    }
    #expect(
      try DailyFixture.funnelRows(lake: lake.path)
        == DailyFixture.expected(project.funnelRows(from: FakeDay("2024-07-01")!, to: Fixture.today)))
  }

  @Test("a failing window in direct mode leaves no unlisted part file behind")
  func directFailure() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 42, eventsPerDay: 400, today: Fixture.today)
    let faults = FakeFaults(
      seed: 3, terminatedEarly: .init(rule: FaultRule(rate: 1, maxInjections: 100), linesBefore: 300))
    let summary = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(Fixture.today)",
          extra: ["commit_mode": .string("direct"), "max_attempts": .integer(1)]))
    }
    #expect(summary.failedWindows.count == 1)
    #expect(WindowFailureTests.visibleFiles(lake.path).isEmpty)
  }
}
