import Foundation
import MixpanelFake
import MixpanelLake
import Testing

@Suite("mixpanel-lake discover with the project's properties (the binary)")
struct DiscoveryTests {
  static func config(
    _ server: FakeServerHandle, in directory: String, selectByDefault: Bool = true,
    streams: String = "[\"export\", \"engage\"]"
  ) throws -> String {
    let start = FakeDay.todayUTC().advanced(by: -1)
    let json = """
      {"api_secret": "\(server.project.apiSecret)", "start_date": "\(start)", "lake": "\(directory)/lake",
       "export_api_url": "\(server.baseURL)", "query_api_url": "\(server.baseURL)",
       "engage_page_size": 50, "query_requests_per_hour": 1000,
       "select_properties_by_default": \(selectByDefault), "streams": \(streams)}
      """
    let path = "\(directory)/config.json"
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Per stream: its schema's columns and each column's metadata.
  static func streams(_ stdout: String) throws -> [String: (
    columns: Set<String>, metadata: [String: [String: Any]]
  )] {
    let root = try #require(
      try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "one JSON object")
    var out: [String: (columns: Set<String>, metadata: [String: [String: Any]])] = [:]
    for stream in try #require(root["streams"] as? [[String: Any]]) {
      let name = try #require(stream["tap_stream_id"] as? String)
      let schema = try #require(stream["schema"] as? [String: Any])
      let columns = Set(try #require(schema["properties"] as? [String: Any]).keys)
      var metadata: [String: [String: Any]] = [:]
      for item in stream["metadata"] as? [[String: Any]] ?? [] {
        let breadcrumb = item["breadcrumb"] as? [String] ?? []
        if breadcrumb.count == 2 { metadata[breadcrumb[1]] = item["metadata"] as? [String: Any] }
      }
      out[name] = (columns, metadata)
    }
    return out
  }

  @Test("discovered event and profile properties join the export and engage schemas")
  func discoveredPropertiesAreListed() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 21, eventsPerDay: 30, profiles: 80)
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await CLIProcess.run(["discover", "--config", try Self.config(server, in: dir.path)])
    }
    #expect(result.status == 0, "\(result.stderr)")
    let streams = try Self.streams(result.stdout)
    let export = try #require(streams["export"])
    for column in [
      "plan", "seats", "Ключ с пробелом", "mp_reserved_browser_version", "mp_reserved_lib_version",
    ] {
      #expect(export.columns.contains(column), "export \(column)")
      #expect(export.metadata[column]?["inclusion"] as? String == "available", "export \(column)")
      #expect(export.metadata[column]?["selected"] as? Bool == true, "export \(column)")
    }
    #expect(!export.columns.contains("$os") && export.columns.contains("mp_reserved_os"))
    #expect(export.metadata["time"]?["inclusion"] as? String == "automatic")
    let engage = try #require(streams["engage"])
    for column in ["plan", "purchases", "lifetime_value", "mp_reserved_email"] {
      #expect(engage.columns.contains(column), "engage \(column)")
      #expect(engage.metadata[column]?["selected-by-default"] as? Bool == true, "engage \(column)")
    }
    #expect(!(streams["cohorts"]?.columns.contains("plan") ?? true), "other streams are untouched")
  }

  @Test("select_properties_by_default: false leaves discovered properties unselected")
  func unselectedByDefault() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 22, eventsPerDay: 30, profiles: 40)
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await CLIProcess.run([
        "discover", "--config", try Self.config(server, in: dir.path, selectByDefault: false),
      ])
    }
    #expect(result.status == 0, "\(result.stderr)")
    let streams = try Self.streams(result.stdout)
    #expect(streams["export"]?.metadata["plan"]?["selected"] as? Bool == false)
    #expect(streams["engage"]?.metadata["seats"]?["selected"] as? Bool == false)
    #expect(
      streams["export"]?.metadata["mp_reserved_browser"]?["selected"] as? Bool == true, "static columns")
    let catalog = try SingerCatalog.parse(Array(result.stdout.utf8))
    let export = try #require(catalog.selections.first { $0.stream == "export" })
    #expect(export.deselected.contains("plan") && !export.declared.contains("plan"))
  }

  @Test("a wrong secret during discovery: one error line naming the 401, exit 3, no catalog")
  func wrongSecretFails() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 24, eventsPerDay: 30, profiles: 40)
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let path = try Self.config(server, in: dir.path)
      let text = try String(contentsOfFile: path, encoding: .utf8)
        .replacingOccurrences(of: server.project.apiSecret, with: "wrong-secret")
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return try await CLIProcess.run(["discover", "--config", path])
    }
    #expect(result.status == 3, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
    #expect(
      errors.count == 1 && errors[0].contains("HTTP 401") && errors[0].contains("check the credentials"))
    #expect(!result.stderr.contains("wrong-secret"), "the secret never appears")
  }

  @Test("an engage 402 during discovery: the static catalog and a warning, exit 0")
  func engage402FallsBack() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 23, eventsPerDay: 30, profiles: 40)
    project.setEngageUnavailable()
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await CLIProcess.run(["discover", "--config", try Self.config(server, in: dir.path)])
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("discover.properties_unavailable"), "\(result.stderr)")
    #expect(Array(result.stdout.utf8) == SingerCatalog.discover(selectedStreams: [.export, .engage]))
  }

  @Test("export --streams engage,cohorts with engage answering 402: engage skipped, exit 0")
  func engage402IsSkippedOnExport() async throws {
    let dir = TemporaryDirectory()
    let project = FakeProject(seed: 24, eventsPerDay: 0, profiles: 60)
    project.setEngageUnavailable()
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await CLIProcess.run([
        "export", "--config", try Self.config(server, in: dir.path), "--streams", "engage,cohorts", "--quiet",
      ])
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("402"), "\(result.stderr)")
    #expect(!result.stderr.contains("error:"), "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: "\(dir.path)/lake/cohorts/_manifest.json"))
    #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake/engage/_manifest.json"))
  }

  @Test("augment: discovered columns join once, known columns keep their type")
  func augmentFlattens() throws {
    let base = SingerCatalog.discover(selectedStreams: [.engage])
    let bytes = SingerDiscovery.augment(
      base,
      with: [
        "engage": [("mp_reserved_email", .number), ("mp_reserved_new_thing", .number), ("seats", .number)]
      ],
      selectByDefault: true)
    let streams = try Self.streams(String(decoding: bytes, as: UTF8.self))
    let engage = try #require(streams["engage"])
    #expect(engage.columns.isSuperset(of: ["mp_reserved_email", "mp_reserved_new_thing", "seats"]))
    #expect(engage.metadata.keys.filter { $0 == "mp_reserved_email" }.count == 1)
    #expect(SingerDiscovery.columnName("$x") == "mp_reserved_x" && SingerDiscovery.columnName("x") == "x")
  }
}
