import Foundation
import Glibc
import Lake
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

/// `mixpanel-lake reset`: a stream's partitions (or a range of days) removed through the commit
/// protocol, the bookmark moved back so the next export refetches exactly that range.
@Suite("reset of a stream or a range")
struct ResetTests {
  @Test(
    "reset export --from --to: those days go, the next export starts exactly at --from and the lake equals the truth"
  )
  func resetRange() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 101, eventsPerDay: 200, today: Fixture.today)
    let first = Fixture.today.advanced(by: -14)
    let (from, to) = (Fixture.today.advanced(by: -11), Fixture.today.advanced(by: -9))
    let (record, firstRequest) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)", extra: ["date_window_size": .integer(2)])
      #expect(try await Fixture.runLake(config).markedSuccess)
      let record = try LakeReset.run(
        config: config, stream: .export, from: .init("\(from)"), to: .init("\(to)"), logger: Fixture.logger,
        now: Fixture.now)
      let folders = try LakeReader(root: lake.path).dayFolders()
      #expect(folders.count == 15 - 3, "\(folders)")
      #expect(
        !folders.contains("day=\(from)") && !folders.contains("day=\(to)") && folders.contains("day=\(first)")
      )
      #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/_SUCCESS"))
      let seen = server.requestLog.entries.count
      #expect(try await Fixture.runLake(config).markedSuccess)
      let firstRequest = server.requestLog.entries.dropFirst(seen).filter { $0.path.contains("export") }
        .compactMap { $0.query.first { $0.name == "from_date" }?.value }.min()
      return (record, firstRequest)
    }
    #expect(firstRequest == "\(from)", "the next export starts exactly at --from")
    #expect(record.nextFirstDay == "\(from)")
    #expect(
      record.partitionsRemoved == [
        "export/day=\(from)", "export/day=\(from.advanced(by: 1))", "export/day=\(to)",
      ])
    #expect(record.rowsRemoved == project.truth(from: from, to: to).total)
    let census = try LakeReader(root: lake.path).census()
    #expect(census.rows == project.truth(from: first, to: Fixture.today).byDay)
    #expect(Set(census.insertIDs).count == census.insertIDs.count)
    let runs = try FileManager.default.contentsOfDirectory(atPath: "\(lake.path)/_runs")
    #expect(runs.contains("\(record.runID)-reset.json"))
  }

  @Test("reset is refused while another run holds the lake, and removes nothing")
  func refusedUnderLock() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 102, eventsPerDay: 100, today: Fixture.today)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(Fixture.today.advanced(by: -3))")
      _ = try await Fixture.runLake(config)
      let before = try LakeReader(root: lake.path).census()
      let holder = open("\(lake.path)/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      try #require(holder >= 0 && flock(holder, LOCK_EX | LOCK_NB) == 0)
      defer { close(holder) }
      #expect(throws: LakeError.self) {
        _ = try LakeReset.run(config: config, stream: .export, from: nil, to: nil, logger: Fixture.logger)
      }
      let after = try LakeReader(root: lake.path).census()
      #expect(after.rows == before.rows)
      #expect(try StateStore.read(config.resolvedStatePath).bookmarks["export"] != nil, "the bookmark stays")
    }
  }

  @Test(
    "the binary: a whole-stream reset, plan after it, and usage errors (a range on a full table, an unknown stream)"
  )
  func binary() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let project = FakeProject(seed: 103, eventsPerDay: 80, today: today, profiles: 30)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = "\(dir.path)/c.json"
      try
        #"{"api_secret": "\#(project.apiSecret)", "start_date": "\#(today.advanced(by: -12))", "export_api_url": "\#(server.baseURL)", "query_api_url": "\#(server.baseURL)", "lake": "\#(dir.path)/lake", "streams": ["export", "cohorts"]}"#
        .write(toFile: config, atomically: true, encoding: .utf8)
      let exported = try await CLIProcess.run(["export", "--config", config, "--quiet"])
      #expect(exported.status == 0, "\(exported.stderr)")
      let ranged = try await CLIProcess.run([
        "reset", "--config", config, "--stream", "cohorts", "--from", "\(today)",
      ])
      #expect(
        ranged.status == 2 && ranged.stderr.hasPrefix("error: ") && ranged.stderr.contains("full table"))
      let unknown = try await CLIProcess.run(["reset", "--config", config, "--stream", "events"])
      #expect(unknown.status == 2 && unknown.stderr.contains("expected one of export"))
      let range = try await CLIProcess.run([
        "reset", "--config", config, "--stream", "export", "--from", "\(today.advanced(by: -9))", "--to",
        "\(today.advanced(by: -8))",
      ])
      #expect(range.status == 0, "\(range.stderr)")
      #expect(range.stdout.contains("2 partitions"), "\(range.stdout)")
      #expect(range.stdout.contains("the next export starts at \(today.advanced(by: -9))"), "\(range.stdout)")
      let plan = try await CLIProcess.run(["plan", "--config", config])
      #expect(
        plan.status == 0 && plan.stdout.contains("days \(today.advanced(by: -9))..\(today)"), "\(plan.stdout)"
      )
      let whole = try await CLIProcess.run(["reset", "--config", config, "--stream", "cohorts"])
      #expect(whole.status == 0, "\(whole.stderr)")
      #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake/cohorts"))
      let all = try await CLIProcess.run(["reset", "--config", config, "--stream", "export"])
      #expect(all.status == 0 && all.stdout.contains("the next export starts at start_date"), "\(all.stdout)")
      #expect(try LakeReader(root: "\(dir.path)/lake").dayFolders().isEmpty)
    }
  }
}
