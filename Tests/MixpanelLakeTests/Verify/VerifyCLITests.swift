import Foundation
import Lake
import MixpanelFake
import MixpanelLake
import Testing

@Suite("verify and report on the command line: output and exit codes")
struct VerifyCLITests {
  /// The binary reads the real clock, so the fake's days end at the real today.
  static let today = FakeDay.todayUTC()

  static func configText(_ server: FakeServerHandle, lake: String, secret: String? = nil) -> String {
    let first = today.advanced(by: -3)
    return
      #"{"api_secret": "\#(secret ?? server.project.apiSecret)", "start_date": "\#(first)", "export_api_url": "\#(server.baseURL)", "query_api_url": "\#(server.baseURL)", "lake": "\#(lake)", "date_window_size": 2}"#
  }

  /// Exports four days ending today into `<dir>/lake` (in-process, on the real clock) and
  /// writes the config the binary reads; runs `body` with the config's path.
  static func withLake(
    _ dir: borrowing TemporaryDirectory, _ body: (FakeServerHandle, String, String) async throws -> Void
  ) async throws {
    let lake = "\(dir.path)/lake"
    let configPath = "\(dir.path)/config.json"
    let project = FakeProject(seed: 23, eventsPerDay: 300, today: today)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try configText(server, lake: lake).write(toFile: configPath, atomically: true, encoding: .utf8)
      let config = try ConfigLoader.load(path: configPath, environment: [:])
      _ = try await ExportRun(config: config, logger: Fixture.logger).run()
      try await body(server, lake, configPath)
    }
  }

  @Test("exit 0 and an OK summary on a good lake")
  func goodLake() async throws {
    let dir = TemporaryDirectory()
    try await Self.withLake(dir) { _, _, config in
      let result = try await CLIProcess.run(["verify", "--config", config, "--quiet"])
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.stdout.contains("Mixpanel counts compared for 4 days (0 differ)"))
      #expect(result.stdout.hasSuffix("OK\n"))
    }
  }

  @Test("exit 1 naming the file when a part file is gone")
  func missingPart() async throws {
    let dir = TemporaryDirectory()
    try await Self.withLake(dir) { _, lake, config in
      let day = "\(Self.today.advanced(by: -1))"
      let manifest = try #require(try ManifestStore.read(directory: "\(lake)/export/day=\(day)"))
      let name = manifest.files[0].path
      try FileSystem.remove("\(lake)/export/day=\(day)/\(name)")
      let result = try await CLIProcess.run(["verify", "--config", config, "--quiet"])
      #expect(result.status == 1)
      let line = try #require(CLIProcess.lines(result.stdout).first { $0.contains(name) })
      #expect(line.hasPrefix("error"))
      #expect(line.contains("export/day=\(day)/\(name)"))
      #expect(line.contains("missing file"))
      #expect(result.stdout.hasSuffix("FAILED\n"))
    }
  }

  @Test("exit 3 when Mixpanel refuses the credentials, without printing the secret")
  func refusedCredentials() async throws {
    let dir = TemporaryDirectory()
    try await Self.withLake(dir) { server, lake, _ in
      let wrong = "\(dir.path)/wrong.json"
      try Self.configText(server, lake: lake, secret: "not-the-secret-1234").write(
        toFile: wrong, atomically: true, encoding: .utf8)
      let result = try await CLIProcess.run(["verify", "--config", wrong, "--quiet"])
      #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
      #expect(CLIProcess.lines(result.stderr).last?.hasPrefix("error: ") == true)
      #expect(!(result.stdout + result.stderr).contains("not-the-secret-1234"))
      // The same lake passes when only the files are checked.
      let filesOnly = try await CLIProcess.run(["verify", "--config", wrong, "--skip-counts", "--quiet"])
      #expect(filesOnly.status == 0, "\(filesOnly.stdout)")
      #expect(filesOnly.stdout.contains("Mixpanel counts not compared"))
    }
  }

  @Test("exit 2 for a missing config, a bad day or a missing lake")
  func usageErrors() async throws {
    let dir = TemporaryDirectory()
    let missing = try await CLIProcess.run(["verify", "--config", "\(dir.path)/nope.json"])
    #expect(missing.status == 2)
    #expect(CLIProcess.lines(missing.stderr).count == 1)
    let config = "\(dir.path)/config.json"
    try #"{"api_secret": "s", "start_date": "2024-01-01", "lake": "\#(dir.path)/no-lake"}"#.write(
      toFile: config, atomically: true, encoding: .utf8)
    let badDay = try await CLIProcess.run(["verify", "--config", config, "--from", "yesterday"])
    #expect(badDay.status == 2)
    #expect(badDay.stderr.contains("--from"))
    let noLake = try await CLIProcess.run(["verify", "--config", config, "--skip-counts"])
    #expect(noLake.status == 2)
    let noLakeReport = try await CLIProcess.run(["report", "--lake", "\(dir.path)/no-lake"])
    #expect(noLakeReport.status == 2)
  }

  @Test("report writes <lake>/_report.html by default, or --output")
  func report() async throws {
    let dir = TemporaryDirectory()
    try await Self.withLake(dir) { _, lake, _ in
      let result = try await CLIProcess.run(["report", "--lake", lake])
      #expect(result.status == 0, "\(result.stderr)")
      let html = try String(contentsOfFile: "\(lake)/_report.html", encoding: .utf8)
      #expect(html.components(separatedBy: "<rect class=\"bar").count - 1 == 4)
      let elsewhere = "\(dir.path)/page.html"
      let second = try await CLIProcess.run(["report", "--lake", lake, "--output", elsewhere])
      #expect(second.status == 0)
      #expect(FileManager.default.fileExists(atPath: elsewhere))
    }
  }

  @Test(
    "report --counts draws Mixpanel's counts beside the rows and marks a day that differs; without --config it is a usage error"
  )
  func reportCounts() async throws {
    let dir = TemporaryDirectory()
    try await Self.withLake(dir) { _, lake, config in
      let agree = try await CLIProcess.run(["report", "--config", config, "--counts"])
      #expect(agree.status == 0, "\(agree.stderr)")
      #expect(agree.stdout.contains("0 days differ"), "\(agree.stdout)")
      var html = try String(contentsOfFile: "\(lake)/_report.html", encoding: .utf8)
      #expect(html.components(separatedBy: "<line class=\"mixpanel\"").count - 1 == 4)
      #expect(!html.contains("bar differs") && html.contains("None: every day agrees with Mixpanel."))
      // A day lost between two others: a gap where Mixpanel counts events.
      let days = try FileManager.default.contentsOfDirectory(atPath: "\(lake)/export")
        .filter { $0.hasPrefix("day=") }.sorted()
      try FileManager.default.removeItem(atPath: "\(lake)/export/\(days[1])")
      let differ = try await CLIProcess.run(["report", "--config", config, "--counts"])
      #expect(differ.status == 0 && differ.stdout.contains("1 days differ"), "\(differ.stdout)")
      html = try String(contentsOfFile: "\(lake)/_report.html", encoding: .utf8)
      #expect(html.contains("<line class=\"mixpanel differs\""))
      #expect(html.contains("Rows differ from Mixpanel"))
      #expect(html.contains(String(days[1].dropFirst(4))))
      let usage = try await CLIProcess.run(["report", "--lake", lake, "--counts"])
      #expect(usage.status == 2 && usage.stderr.contains("--counts needs --config"))
    }
  }
}
