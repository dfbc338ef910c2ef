import Foundation
import MixpanelFake
import Testing

@Suite("mixpanel-lake export --streams with the full-table streams (the binary)")
struct StreamsCommandTests {
  static func config(_ server: FakeServerHandle, lake: String, in directory: String) throws -> String {
    let start = FakeDay.todayUTC().advanced(by: -1)
    let json = """
      {"api_secret": "\(server.project.apiSecret)", "start_date": "\(start)", "lake": "\(lake)",
       "export_api_url": "\(server.baseURL)", "query_api_url": "\(server.baseURL)",
       "engage_page_size": 50, "query_requests_per_hour": 1000}
      """
    let path = "\(directory)/config.json"
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Runs the binary's export of `streams` into `<directory>/lake` against a fake whose engage
  /// sessions expire at once, so that the engage stream fails.
  static func runWithEngageFailing(_ project: FakeProject, streams: String, in directory: String) async throws
    -> CLIProcess.Result
  {
    let configuration = FakeServerConfiguration(engageSessionLifetime: .zero)
    return try await withFakeMixpanelServer(project, configuration: configuration, logger: Fixture.logger) {
      server in
      try await CLIProcess.run([
        "export", "--config", try Self.config(server, lake: "\(directory)/lake", in: directory), "--streams",
        streams, "--quiet",
      ])
    }
  }

  @Test("--streams all runs export, then the four tables, and prints a row per table")
  func all() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 12, eventsPerDay: 50, profiles: 120)
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await CLIProcess.run([
        "export", "--config", try Self.config(server, lake: "\(dir.path)/lake", in: dir.path), "--streams",
        "all",
        "--quiet",
      ])
    }
    #expect(result.status == 0, "\(result.stderr)")
    for stream in ["engage ", "cohorts ", "cohort_members ", "annotations "] {
      #expect(result.stdout.contains("\n" + stream), "\(stream)")
    }
    for folder in ["export", "engage", "cohorts", "cohort_members", "annotations"] {
      #expect(FileManager.default.fileExists(atPath: "\(dir.path)/lake/\(folder)"), "\(folder)")
    }
    let marker = try String(contentsOfFile: "\(dir.path)/lake/_SUCCESS", encoding: .utf8)
    let runs = try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/lake/_runs")
    #expect(runs.contains("\(marker.dropLast()).json"), "_SUCCESS names the run: \(marker)")
  }

  @Test("a failing table stream: the others commit, one 'error:' line, exit 1, no _SUCCESS")
  func failingStream() async throws {
    let dir = TemporaryDirectory()
    // A marker from an earlier, successful run: this run must take it away, not leave it.
    try FileManager.default.createDirectory(atPath: "\(dir.path)/lake", withIntermediateDirectories: true)
    try "earlier\n".write(toFile: "\(dir.path)/lake/_SUCCESS", atomically: true, encoding: .utf8)
    let project = FakeProject(seed: 13, eventsPerDay: 0, profiles: 120)
    let result = try await Self.runWithEngageFailing(project, streams: "engage,cohorts", in: dir.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: engage"))
    #expect(FileManager.default.fileExists(atPath: "\(dir.path)/lake/cohorts/_manifest.json"))
    #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake/export"), "export was not selected")
    #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake/_SUCCESS"))
  }

  @Test("export succeeds but a table stream fails: no _SUCCESS, exit 1")
  func exportThenFailingTable() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 14, eventsPerDay: 40, profiles: 120)
    let result = try await Self.runWithEngageFailing(project, streams: "export,engage", in: dir.path)
    #expect(result.status == 1)
    #expect(FileManager.default.fileExists(atPath: "\(dir.path)/lake/export"))
    #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake/_SUCCESS"))
  }
}
