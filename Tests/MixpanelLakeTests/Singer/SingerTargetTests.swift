import Foundation
import MixpanelFake
import Testing

/// The built `tap-mixpanel-lake` piped into a real Singer target from PyPI (`target-jsonl`,
/// installed by `.ci/setup` into its own virtualenv).
@Suite("tap-mixpanel-lake | Singer targets from PyPI (target-jsonl, target-duckdb)")
struct SingerTargetTests {
  /// The binary reads the real clock, so its fake serves up to the real today.
  static let today = FakeDay.todayUTC()

  static var tapBinary: String {
    URL(fileURLWithPath: CLIProcess.binary).deletingLastPathComponent().appendingPathComponent(
      "tap-mixpanel-lake"
    )
    .path
  }

  /// `$TARGET_JSONL`, the virtualenv `.ci/setup` makes, or `target-jsonl` on the PATH.
  static var targetJSONL: String? { installed("target-jsonl", variable: "TARGET_JSONL", venv: "singer-venv") }

  /// A Python tool: `$variable`, the virtualenv `venv` that `.ci/setup` makes, or on the PATH.
  static func installed(_ tool: String, variable: String, venv: String) -> String? {
    let environment = ProcessInfo.processInfo.environment
    var candidates = [environment[variable]].compactMap { $0 }
    candidates.append(NSHomeDirectory() + "/.local/share/mixpanel-lake/\(venv)/bin/\(tool)")
    candidates += (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(tool)" }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static func shell(_ command: String) async throws -> CLIProcess.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let scratch = NSTemporaryDirectory() + "singer-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
    defer { try? FileManager.default.removeItem(atPath: scratch + ".err") }
    process.standardError = FileHandle(forWritingAtPath: scratch + ".err")
    process.standardOutput = FileHandle.nullDevice
    var environment = ProcessInfo.processInfo.environment
    environment["MIXPANEL_API_SECRET"] = nil
    process.environment = environment
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      process.terminationHandler = { _ in continuation.resume() }
      do {
        try process.run()
      } catch {
        process.terminationHandler = nil
        continuation.resume(throwing: error)
      }
    }
    let stderr = (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
    return CLIProcess.Result(status: process.terminationStatus, stdout: "", stderr: stderr)
  }

  static func quote(_ path: String) -> String {
    "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// Lines of a target-jsonl output file (0 when the stream had no records).
  static func rows(_ directory: String, _ stream: String) throws -> [[String: Any]] {
    guard let text = try? String(contentsOfFile: "\(directory)/\(stream).jsonl", encoding: .utf8) else {
      return []
    }
    return try text.split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  @Test("discover, select every stream, pipe into target-jsonl: row counts equal the fake's truth")
  func pipeIntoTargetJSONL() async throws {
    let target = try #require(Self.targetJSONL, "target-jsonl is not installed: run .ci/setup")
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 65, eventsPerDay: 250, today: Self.today, profiles: 120)
    let first = Self.today.advanced(by: -4)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      // tap-mixpanel's config as its users write it: strings for numbers and booleans.
      let config = #"""
        {"api_secret": "\#(server.project.apiSecret)", "start_date": "\#(first)T00:00:00Z",
         "date_window_size": "2", "attribution_window": "1", "project_timezone": "UTC",
         "select_properties_by_default": "true", "user_agent": "tests", "denest_properties": "true",
         "export_api_url": "\#(server.baseURL)", "query_api_url": "\#(server.baseURL)"}
        """#
      try config.write(toFile: "\(dir.path)/config.json", atomically: true, encoding: .utf8)
      try #"{"destination_path": "\#(dir.path)/out", "do_timestamp_file": false}"#.write(
        toFile: "\(dir.path)/target.json", atomically: true, encoding: .utf8)
      let tap = Self.quote(Self.tapBinary)
      let discover = try await Self.shell(
        "\(tap) -c \(Self.quote(dir.path + "/config.json")) --discover > \(Self.quote(dir.path + "/discovered.json"))"
      )
      #expect(discover.status == 0, "\(discover.stderr)")
      try Self.selectAll(catalog: "\(dir.path)/discovered.json", into: "\(dir.path)/catalog.json")
      let pipe = try await Self.shell(
        "{ \(tap) -c \(Self.quote(dir.path + "/config.json")) --catalog \(Self.quote(dir.path + "/catalog.json")); echo $? > \(Self.quote(dir.path + "/tap-status")); } | \(Self.quote(target)) -c \(Self.quote(dir.path + "/target.json"))"
      )
      #expect(pipe.status == 0, "target-jsonl: \(pipe.stderr.suffix(2_000))")
      let tapStatus = try String(contentsOfFile: dir.path + "/tap-status", encoding: .utf8)
      #expect(
        tapStatus.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(pipe.stderr.suffix(2_000))")
    }
    let out = "\(dir.path)/out"
    let events = try Self.rows(out, "export")
    #expect(events.count == project.truth(from: first, to: Self.today).total)
    #expect(Set(events.compactMap { $0["mp_reserved_insert_id"] as? String }).count == events.count)
    #expect(try Self.rows(out, "engage").count == project.profileCount)
    #expect(try Self.rows(out, "cohorts").count == project.cohorts.count)
    // Annotations in the sync's range only, as tap-mixpanel asks for them.
    #expect(try Self.rows(out, "annotations").count == project.annotations(from: first, to: Self.today).count)
    let members = project.cohorts.reduce(0) { $0 + (project.cohortMembers($1.id)?.count ?? 0) }
    #expect(try Self.rows(out, "cohort_members").count == members)
    let firstDay = FakeDay("\(first)")!
    let funnels = try Self.rows(out, "funnels")
    #expect(funnels.count == project.funnelRows(from: firstDay, to: Self.today).count)
    #expect(Set(funnels.map { "\($0["funnel_id"] ?? "")@\($0["date"] ?? "")" }).count == funnels.count)
    #expect(try Self.rows(out, "revenue").count == project.revenueRows(from: firstDay, to: Self.today).count)
  }

  /// target-duckdb (a typed target: one SQL type per column) from the virtualenv `.ci/setup`
  /// makes, pinned to DuckDB 1.0 (with DuckDB 1.1+ its CSV load reads each batch's first row
  /// as a header and drops it).
  static var targetDuckDB: String? {
    installed("target-duckdb", variable: "TARGET_DUCKDB", venv: "target-duckdb-venv")
  }

  @Test(
    "discover, select, pipe into target-duckdb: typed columns (DOUBLE, BOOLEAN, JSON, VARCHAR), rows equal the truth"
  )
  func pipeIntoTargetDuckDB() async throws {
    let target = try #require(Self.targetDuckDB, "target-duckdb is not installed: run .ci/setup")
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 66, eventsPerDay: 250, today: Self.today, profiles: 60)
    let first = Self.today.advanced(by: -3)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      // export_key: target-duckdb merges on a key and refuses streams without one.
      let config = #"""
        {"api_secret": "\#(server.project.apiSecret)", "start_date": "\#(first)T00:00:00Z",
         "export_key": true, "export_api_url": "\#(server.baseURL)", "query_api_url": "\#(server.baseURL)"}
        """#
      try config.write(toFile: "\(dir.path)/config.json", atomically: true, encoding: .utf8)
      try #"{"path": "\#(dir.path)/out.duckdb", "default_target_schema": "mixpanel"}"#.write(
        toFile: "\(dir.path)/target.json", atomically: true, encoding: .utf8)
      let tap = Self.quote(Self.tapBinary)
      let discover = try await Self.shell(
        "\(tap) -c \(Self.quote(dir.path + "/config.json")) --discover > \(Self.quote(dir.path + "/discovered.json"))"
      )
      #expect(discover.status == 0, "\(discover.stderr)")
      // cohort_members is left out: target-duckdb 0.8 fails on a table whose every column is a key.
      try Self.selectAll(
        catalog: "\(dir.path)/discovered.json", into: "\(dir.path)/catalog.json", except: ["cohort_members"])
      let pipe = try await Self.shell(
        "{ \(tap) -c \(Self.quote(dir.path + "/config.json")) --catalog \(Self.quote(dir.path + "/catalog.json")); echo $? > \(Self.quote(dir.path + "/tap-status")); } | \(Self.quote(target)) -c \(Self.quote(dir.path + "/target.json"))"
      )
      #expect(pipe.status == 0, "target-duckdb: \(pipe.stderr.suffix(2_000))")
      let tapStatus = try String(contentsOfFile: dir.path + "/tap-status", encoding: .utf8)
      #expect(tapStatus.hasPrefix("0"), "\(pipe.stderr.suffix(2_000))")
    }
    // The target's own DuckDB reads its file back.
    let python = URL(fileURLWithPath: target).deletingLastPathComponent().appendingPathComponent("python")
      .path
    let script = """
      import duckdb, json
      c = duckdb.connect('\(dir.path)/out.duckdb', read_only=True)
      counts = {t: c.sql(f'select count(*) from mixpanel.{t}').fetchone()[0]
                for t in ['export', 'engage', 'cohorts', 'funnels', 'revenue']}
      ids = c.sql('select count(distinct mp_reserved_insert_id) from mixpanel.export').fetchone()[0]
      types = dict(c.sql("select column_name, data_type from information_schema.columns where table_name = 'export'").fetchall())
      print(json.dumps({'counts': counts, 'ids': ids, 'types': types}))
      """
    try script.write(toFile: "\(dir.path)/read.py", atomically: true, encoding: .utf8)
    let read = try await Self.shell(
      "\(Self.quote(python)) \(Self.quote(dir.path + "/read.py")) > \(Self.quote(dir.path + "/read.json"))")
    #expect(read.status == 0, "\(read.stderr)")
    let result = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/read.json")))
        as? [String: Any])
    let counts = try #require(result["counts"] as? [String: Int])
    let events = project.truth(from: first, to: Self.today).total
    #expect(counts["export"] == events && result["ids"] as? Int == events)
    #expect(counts["engage"] == project.profileCount && counts["cohorts"] == project.cohorts.count)
    let firstDay = FakeDay("\(first)")!
    #expect(counts["funnels"] == project.funnelRows(from: firstDay, to: Self.today).count)
    #expect(counts["revenue"] == project.revenueRows(from: firstDay, to: Self.today).count)
    let types = try #require(result["types"] as? [String: String])
    let expected = [
      "seats": "DOUBLE", "amount": "DOUBLE", "invited": "BOOLEAN", "tags": "JSON", "utm": "JSON",
      "plan": "VARCHAR", "mixed": "VARCHAR", "time": "TIMESTAMP",
    ]
    for (column, type) in expected {
      #expect(types[column] == type, "export.\(column): \(types[column] ?? "none")")
    }
  }

  /// Marks every stream of a discovered catalog selected (but those in `except`), as
  /// `meltano select` would.
  static func selectAll(catalog: String, into path: String, except: Set<String> = []) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: catalog))
    var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    var streams = try #require(root["streams"] as? [[String: Any]])
    for index in streams.indices {
      var metadata = streams[index]["metadata"] as? [[String: Any]] ?? []
      for entry in metadata.indices where (metadata[entry]["breadcrumb"] as? [Any])?.isEmpty == true {
        var values = metadata[entry]["metadata"] as? [String: Any] ?? [:]
        values["selected"] = !except.contains(streams[index]["tap_stream_id"] as? String ?? "")
        metadata[entry]["metadata"] = values
      }
      streams[index]["metadata"] = metadata
    }
    root["streams"] = streams
    try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: path))
  }
}
