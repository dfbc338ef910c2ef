import Foundation
import Glibc
import MixpanelFake
import Testing

@Suite("mixpanel-lake export (the binary)")
struct ExportCommandTests {
  static func writeConfig(_ json: String, in directory: String) throws -> String {
    let path = "\(directory)/config.json"
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("a bad config is one 'error:' line naming the key, exit 2, and no lake is created")
  func badConfig() async throws {
    let dir = TemporaryDirectory()
    let config = try Self.writeConfig(
      #"{"api_secret": "x", "start_date": "2024-01-01", "date_window": 3, "lake": "\#(dir.path)/lake"}"#,
      in: dir.path)
    let result = try await CLIProcess.run(["export", "--config", config, "--quiet"])
    #expect(result.status == 2)
    #expect(CLIProcess.lines(result.stderr) == [CLIProcess.lines(result.stderr).first ?? "-"])
    #expect(result.stderr.hasPrefix("error: config key 'date_window'"))
    #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake"))
  }

  @Test("a second run on a lake another run is writing stops at once, touching nothing")
  func lakeLocked() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try FileManager.default.createDirectory(atPath: lake, withIntermediateDirectories: true)
    // This process plays the run in progress.
    // O_CLOEXEC: children other tests spawn meanwhile must not inherit (and keep) the lock.
    let holder = open("\(lake)/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    try #require(holder >= 0 && flock(holder, LOCK_EX | LOCK_NB) == 0)
    let project = FakeProject(seed: 15, eventsPerDay: 50)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Self.writeConfig(
        #"{"api_secret": "\#(project.apiSecret)", "start_date": "\#(FakeDay.todayUTC())", "lake": "\#(lake)", "export_api_url": "\#(server.baseURL)"}"#,
        in: dir.path)
      let blocked = try await CLIProcess.run(["export", "--config", config, "--quiet"])
      #expect(blocked.status == 4)
      #expect(blocked.stderr.hasPrefix("error: another mixpanel-lake run is writing the lake \(lake)"))
      #expect(try FileManager.default.contentsOfDirectory(atPath: lake) == [".lock"], "nothing written")
      close(holder)  // the run in progress ends
      let after = try await CLIProcess.run(["export", "--config", config, "--quiet"])
      #expect(after.status == 0, "\(after.stderr)")
      #expect(FileManager.default.fileExists(atPath: "\(lake)/_SUCCESS"))
    }
  }

  @Test("an https:// URL pointed at a plain-HTTP server: one clear line, exit 2, no retries or splits")
  func httpsToPlainHTTP() async throws {
    let dir = TemporaryDirectory()
    // A plain-HTTP server that answers at once (a 400 for the TLS ClientHello it cannot parse).
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    server.arguments = [
      "python3", "-u", "-c",
      """
      import http.server
      s = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
      print(s.server_address[1])
      s.serve_forever()
      """,
    ]
    let output = Pipe()
    server.standardOutput = output
    server.standardError = FileHandle.nullDevice
    server.standardInput = FileHandle.nullDevice
    try server.run()
    // SIGKILL: a test process may block SIGTERM, and its children inherit the mask.
    defer { kill(server.processIdentifier, SIGKILL) }
    let port = try #require(
      String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty)
    let config = try Self.writeConfig(
      #"{"api_secret": "s", "start_date": "\#(FakeDay.todayUTC().advanced(by: -30))", "date_window_size": 10, "export_api_url": "https://127.0.0.1:\#(port)", "lake": "\#(dir.path)/lake"}"#,
      in: dir.path)
    let result = try await CLIProcess.run(["export", "--config", config, "--quiet"])
    #expect(result.status == 2, "\(result.stderr)")
    let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
    #expect(errors.count == 1 && errors.first?.contains("answered an https:// request in plain HTTP") == true)
    #expect(!result.stderr.contains("window.retry") && !result.stderr.contains("window.split"))
  }

  @Test("a missing secret and a missing config file are exit 2 too")
  func missingThings() async throws {
    let dir = TemporaryDirectory()
    let config = try Self.writeConfig(#"{"start_date": "2024-01-01"}"#, in: dir.path)
    let noSecret = try await CLIProcess.run(["export", "--config", config])
    #expect(noSecret.status == 2 && noSecret.stderr.contains("'api_secret'"))
    let noFile = try await CLIProcess.run(["export", "--config", "\(dir.path)/nope.json"])
    #expect(noFile.status == 2 && noFile.stderr.contains("cannot read config file"))
  }

  @Test("a wrong secret: one line saying to check the secret, exit 3, secret not echoed, lake untouched")
  func wrongSecret() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 1, eventsPerDay: 10, today: FakeDay.todayUTC())
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Self.writeConfig(
        #"{"start_date": "\#(FakeDay.todayUTC().advanced(by: -2))", "export_api_url": "\#(server.baseURL)", "query_api_url": "\#(server.baseURL)", "lake": "\#(dir.path)/lake"}"#,
        in: dir.path)
      let result = try await CLIProcess.run(
        ["export", "--config", config, "--quiet"], environment: ["MIXPANEL_API_SECRET": "not-the-secret"])
      #expect(result.status == 3)
      // One error line; besides it only the project-secret deprecation warning.
      let all = CLIProcess.lines(result.stderr)
      let lines = all.filter { $0.hasPrefix("error:") }
      #expect(lines.count == 1, "\(all)")
      #expect(
        all.filter { !$0.hasPrefix("error:") }.allSatisfy { $0.contains("auth.project_secret_deprecated") })
      #expect(lines.first?.contains("HTTP 401") == true && lines.first?.contains("api_secret") == true)
      #expect(!result.stderr.contains("not-the-secret") && !result.stdout.contains("not-the-secret"))
      #expect(WindowFailureTests.visibleFiles("\(dir.path)/lake").isEmpty)
    }
  }

  @Test(
    "hostile replies through the binary: control bytes escaped, JSON error lines with --log-format json, exit 1, no _SUCCESS"
  )
  func hostileRepliesJSONErrors() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let today = FakeDay.todayUTC()
    let project = FakeProject(seed: 16, eventsPerDay: 40, today: today)
    let faults = FakeFaults(seed: 2, controlBytes: FaultRule(rate: 1, maxInjections: 1_000))
    try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try Self.writeConfig(
        #"{"api_secret": "\#(project.apiSecret)", "start_date": "\#(today.advanced(by: -1))", "lake": "\#(lake)", "export_api_url": "\#(server.baseURL)", "max_attempts": 1, "date_window_size": 1}"#,
        in: dir.path)
      let result = try await CLIProcess.run(["export", "--config", config, "--quiet", "--log-format", "json"])
      #expect(result.status == 1)
      #expect(!result.stderr.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F })
      let errors = CLIProcess.lines(result.stderr).compactMap { line -> [String: Any]? in
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
          Issue.record("not a JSON line: \(line)")
          return nil
        }
        // The final error lines (the logger's window.failed lines carry metadata).
        return object["level"] as? String == "error" && object["metadata"] == nil ? object : nil
      }
      #expect(errors.count == 2, "one per failed window: \(result.stderr)")
      #expect(errors.allSatisfy { ($0["message"] as? String)?.contains("\\u001b") == true })
      #expect(!FileManager.default.fileExists(atPath: "\(lake)/_SUCCESS"))
    }
  }

  @Test("a bookmark in the future is exit 4 naming the state file; --streams '' is exit 2")
  func futureBookmarkAndNoStreams() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try FileManager.default.createDirectory(atPath: lake, withIntermediateDirectories: true)
    try #"{"bookmarks":{"export":"2099-01-01T00:00:00Z"}}"#.write(
      toFile: "\(lake)/_state.json", atomically: true, encoding: .utf8)
    let config = try Self.writeConfig(
      #"{"api_secret": "s", "start_date": "2024-01-01", "lake": "\#(lake)", "export_api_url": "http://127.0.0.1:9"}"#,
      in: dir.path)
    let future = try await CLIProcess.run(["export", "--config", config, "--quiet"])
    #expect(future.status == 4)
    #expect(future.stderr.hasPrefix("error: \(lake)/_state.json is corrupt"), "\(future.stderr)")
    #expect(CLIProcess.lines(future.stderr).count == 1)
    let none = try await CLIProcess.run(["export", "--config", config, "--quiet", "--streams", ""])
    #expect(none.status == 2)
    #expect(none.stderr.hasPrefix("error: config key 'streams'"), "\(none.stderr)")
  }
}

extension String {
  fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
