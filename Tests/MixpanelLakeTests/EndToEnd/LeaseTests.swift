import Foundation
import Lake
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

/// Two hosts mounting one bucket: the lease in the lake (`_lease.json`) stops the second run
/// before it touches anything, and a run whose lease another run took stops before its next
/// commit. And every run first sweeps what killed runs left.
@Suite("Lease, fencing and sweep of a lake")
struct LeaseTests {
  /// Another host's live lease, as its run wrote it.
  static func foreignLease(lake: String, runID: String = "other-run") throws {
    let now = Int64(Date().timeIntervalSince1970)
    let lease = """
      {"format_version": 1, "run_id": "\(runID)", "host": "another-host", "pid": 1, "started": \(now - 60),
       "heartbeat": \(now - 60), "expires": \(now + 3_600)}
      """
    try FileManager.default.createDirectory(atPath: lake, withIntermediateDirectories: true)
    try lease.write(toFile: "\(lake)/_lease.json", atomically: true, encoding: .utf8)
  }

  @Test("another host's live lease: export stops with exit 4, names the holder, and writes nothing")
  func heldElsewhere() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 91, eventsPerDay: 50, today: FakeDay.todayUTC())
    try Self.foreignLease(lake: "\(dir.path)/lake")
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = """
        {"api_secret": "\(project.apiSecret)", "start_date": "\(FakeDay.todayUTC().advanced(by: -2))",
         "export_api_url": "\(server.baseURL)", "lake": "\(dir.path)/lake"}
        """
      try config.write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
      let result = try await CLIProcess.run(["export", "--config", "\(dir.path)/c.json", "--quiet"])
      #expect(server.requestLog.entries.isEmpty, "no request before the lease")
      return result
    }
    #expect(result.status == 4, "\(result.stderr)")
    #expect(result.stderr.contains("run other-run on host another-host"), "\(result.stderr)")
    let left = try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/lake").sorted()
    #expect(left == [".lock", "_lease.json"], "\(left)")
  }

  @Test(
    "a lease taken by another run mid-run: the run stops before its next commit, the lake keeps what it had")
  func fenced() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 92, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -4)
    let (before, after) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      var config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)", extra: ["date_window_size": .integer(1)])
      let done = try await Fixture.runLake(config)
      #expect(done.markedSuccess)
      let before = try LakeReader(root: lake.path).census()
      // The second run's first part file: another host takes the lease.
      let path = lake.path
      config.failureInjector = FailureInjector { file in
        if file.contains("/.part-"), !FileManager.default.fileExists(atPath: "\(path)/stolen") {
          _ = FileManager.default.createFile(atPath: "\(path)/stolen", contents: nil)
          try? Self.foreignLease(lake: path, runID: "thief")
        }
        return nil
      }
      config.maxConcurrentWindows = 1
      let error = await #expect(throws: LakeError.self) { _ = try await Fixture.runLake(config) }
      #expect(
        "\(error.map { "\($0)" } ?? "")".contains("lost the lake's lease"), "\(String(describing: error))")
      return (before, try LakeReader(root: lake.path).census())
    }
    #expect(after.rows == before.rows && after.insertIDs.sorted() == before.insertIDs.sorted())
    #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/_SUCCESS"))
    let lease = try String(contentsOfFile: "\(lake.path)/_lease.json", encoding: .utf8)
    #expect(lease.contains("thief"), "the other run's lease is left alone")
  }

  @Test(
    "a run first sweeps what a killed run left: unlisted part files and hidden temporaries, outside its windows too"
  )
  func sweepsBeforeWriting() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 93, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -12)
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(lake: lake.path, server: server, start: "\(first)")
      _ = try await Fixture.runLake(config)
      // A killed rerun of day `first` left a copy of its part visible and a temporary hidden.
      let day = "\(lake.path)/export/day=\(first)"
      let part = try #require(
        try FileManager.default.contentsOfDirectory(atPath: day).first { $0.hasPrefix("part-") })
      try FileManager.default.copyItem(
        atPath: "\(day)/\(part)", toPath: "\(day)/part-killedrun-00000.jsonl.zst")
      try Data("half".utf8).write(to: URL(fileURLWithPath: "\(day)/.part-killedrun-00001.jsonl.zst.tmp"))
      #expect(
        try LakeReader(root: lake.path).census().insertIDs.count
          > project.truth(from: first, to: Fixture.today).total)
      return try await Fixture.runLake(config)
    }
    #expect(summary.markedSuccess)
    let census = try LakeReader(root: lake.path).census()
    #expect(census.rows == project.truth(from: first, to: Fixture.today).byDay)
    #expect(Set(census.insertIDs).count == census.insertIDs.count, "no duplicate left visible")
    let names = try FileManager.default.contentsOfDirectory(atPath: "\(lake.path)/export/day=\(first)")
    #expect(!names.contains { $0.contains("killedrun") }, "\(names)")
    #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/_lease.json"), "released at the end")
  }
}
