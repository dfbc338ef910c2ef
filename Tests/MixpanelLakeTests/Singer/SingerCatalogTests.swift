import Foundation
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("Singer discover and catalog selection")
struct SingerCatalogTests {
  static func discovered() throws -> [[String: Any]] {
    let bytes = SingerCatalog.discover(selectedStreams: [.export])
    let root = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    return try #require(root["streams"] as? [[String: Any]])
  }

  @Test("--discover prints a valid catalog: every stream has the required keys and metadata")
  func discoverIsValid() throws {
    let streams = try Self.discovered()
    #expect(
      streams.compactMap { $0["tap_stream_id"] as? String }.sorted()
        == ["annotations", "cohort_members", "cohorts", "engage", "export", "funnels", "revenue"])
    for stream in streams {
      let name = try #require(stream["tap_stream_id"] as? String)
      #expect(stream["stream"] as? String == name)
      let schema = try #require(stream["schema"] as? [String: Any], "\(name) has a schema")
      let properties = try #require(schema["properties"] as? [String: Any])
      #expect(schema["additionalProperties"] as? Bool == true)
      let keys = try #require(stream["key_properties"] as? [String])
      for key in keys { #expect(properties[key] != nil, "\(name) declares its key \(key)") }
      let metadata = try #require(stream["metadata"] as? [[String: Any]])
      let top = try #require(metadata.first { ($0["breadcrumb"] as? [Any])?.isEmpty == true })
      let values = try #require(top["metadata"] as? [String: Any])
      for required in [
        "selected", "table-key-properties", "forced-replication-method", "valid-replication-keys",
        "inclusion",
      ] {
        #expect(values[required] != nil, "\(name) metadata has \(required)")
      }
      #expect(values["table-key-properties"] as? [String] == keys)
      #expect(values["selected"] as? Bool == (name == "export"))
      let fields = metadata.filter { ($0["breadcrumb"] as? [String])?.count == 2 }
      #expect(Set(fields.compactMap { ($0["breadcrumb"] as? [String])?[1] }) == Set(properties.keys))
      for field in fields {
        let inclusion = (field["metadata"] as? [String: Any])?["inclusion"] as? String
        #expect(inclusion == "available" || inclusion == "automatic")
      }
    }
    let export = try #require(streams.first { $0["stream"] as? String == "export" })
    let top = (export["metadata"] as? [[String: Any]])?.first?["metadata"] as? [String: Any]
    #expect(top?["forced-replication-method"] as? String == "INCREMENTAL")
    #expect(top?["valid-replication-keys"] as? [String] == ["time"])
  }

  /// The discovered catalog with `engage` deselected, `annotations` selected and the export
  /// column `mp_lib` deselected, as Meltano writes it.
  static func editedCatalog() throws -> [UInt8] {
    var streams = try discovered()
    for index in streams.indices {
      let name = streams[index]["stream"] as? String ?? ""
      var metadata = streams[index]["metadata"] as? [[String: Any]] ?? []
      for entry in metadata.indices {
        var values = metadata[entry]["metadata"] as? [String: Any] ?? [:]
        let breadcrumb = metadata[entry]["breadcrumb"] as? [String] ?? []
        if breadcrumb.isEmpty { values["selected"] = name == "export" || name == "annotations" }
        if breadcrumb == ["properties", "mp_lib"] { values["selected"] = false }
        metadata[entry]["metadata"] = values
      }
      streams[index]["metadata"] = metadata
    }
    return Array(try JSONSerialization.data(withJSONObject: ["streams": streams]))
  }

  @Test("a catalog that deselects streams and columns changes what is synced")
  func selectionChangesOutput() async throws {
    let project = FakeProject(seed: 61, eventsPerDay: 150, today: Fixture.today, profiles: 40)
    let catalog = try SingerCatalog.parse(try Self.editedCatalog())
    #expect(catalog.selections.map(\.stream) == ["export", "annotations"])
    let (everything, edited) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try SingerFixture.config(
        server, start: Fixture.today.advanced(by: -2), extra: ["streams": .string("all")])
      return (
        try await SingerFixture.sync(config).messages,
        try await SingerFixture.sync(config, catalog: catalog).messages
      )
    }
    #expect(everything.problems.isEmpty, "\(everything.problems.prefix(3))")
    #expect(edited.problems.isEmpty, "\(edited.problems.prefix(3))")
    #expect(everything.records("engage").count == 40)
    #expect(edited.ofType("SCHEMA", stream: "engage").isEmpty)
    #expect(edited.records("engage").isEmpty)
    #expect(edited.records("annotations").count == everything.records("annotations").count)
    let all = everything.records("export")
    let some = edited.records("export")
    #expect(all.count == project.truth(from: Fixture.today.advanced(by: -2), to: Fixture.today).total)
    #expect(some.count == all.count)
    #expect(all.allSatisfy { $0["mp_lib"] != nil })
    #expect(some.allSatisfy { $0["mp_lib"] == nil && $0["event"] != nil && $0["time"] != nil })
    let schema = edited.ofType("SCHEMA", stream: "export").last?["schema"] as? [String: Any]
    #expect((schema?["properties"] as? [String: Any])?["mp_lib"] == nil)
  }

  @Test(
    "with a user's catalog, properties it does not list are dropped unless select_properties_by_default says true, as in tap-mixpanel"
  )
  func undeclaredPropertiesFollowTheTap() async throws {
    let project = FakeProject(seed: 62, eventsPerDay: 120, today: Fixture.today, profiles: 10)
    let catalog = try SingerCatalog.parse(try Self.editedCatalog())
    let declared = Set(try #require(catalog.selections.first { $0.stream == "export" }).declared)
    let (absent, kept, noCatalog) = try await withFakeMixpanelServer(project, logger: Fixture.logger) {
      server in
      let start = Fixture.today.advanced(by: -1)
      let plain = try SingerFixture.config(server, start: start)
      let keep = try SingerFixture.config(
        server, start: start, extra: ["select_properties_by_default": .string("true")])
      return (
        try await SingerFixture.sync(plain, catalog: catalog).messages.records("export"),
        try await SingerFixture.sync(keep, catalog: catalog).messages.records("export"),
        try await SingerFixture.sync(plain).messages.records("export")
      )
    }
    #expect(!absent.isEmpty && absent.count == kept.count && kept.count == noCatalog.count)
    #expect(absent.allSatisfy { Set($0.keys).isSubset(of: declared) }, "undeclared properties dropped")
    #expect(
      kept.contains { !Set($0.keys).isSubset(of: declared) }, "select_properties_by_default: true keeps them")
    #expect(
      noCatalog.contains { !Set($0.keys).isSubset(of: declared) }, "without a catalog every property is kept")
  }

  @Test(
    "export_key: true declares Mixpanel's duplicate key for export in the catalog and the SCHEMA; off by default"
  )
  func exportKey() async throws {
    let project = FakeProject(seed: 63, eventsPerDay: 50, today: Fixture.today, profiles: 5)
    let keys = ["event", "distinct_id", "time", "mp_reserved_insert_id"]
    let (plain, keyed) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let start = Fixture.today.advanced(by: -1)
      return (
        try await SingerFixture.sync(try SingerFixture.config(server, start: start)).messages,
        try await SingerFixture.sync(
          try SingerFixture.config(server, start: start, extra: ["export_key": .bool(true)])
        ).messages
      )
    }
    #expect(plain.ofType("SCHEMA", stream: "export").first?["key_properties"] as? [String] == [])
    #expect(keyed.ofType("SCHEMA", stream: "export").allSatisfy { $0["key_properties"] as? [String] == keys })
    #expect(keyed.records("export").count == plain.records("export").count)
    let catalog =
      try JSONSerialization.jsonObject(
        with: Data(SingerCatalog.discover(selectedStreams: [.export], exportKey: true))) as? [String: Any]
    let export = (catalog?["streams"] as? [[String: Any]])?.first { $0["stream"] as? String == "export" }
    #expect(export?["key_properties"] as? [String] == keys)
    let top = (export?["metadata"] as? [[String: Any]])?.first?["metadata"] as? [String: Any]
    #expect(top?["table-key-properties"] as? [String] == keys)
  }

  @Test(
    "tap mode asks for the annotations of the sync's start_date…today, as tap-mixpanel does; the lake keeps them all"
  )
  func annotationsInRange() async throws {
    let project = FakeProject(seed: 64, eventsPerDay: 20, today: Fixture.today, profiles: 3)
    let start = Fixture.today.advanced(by: -40)
    let expected = project.annotations(from: start, to: Fixture.today).count
    #expect(expected > 0 && expected < project.allAnnotations.count, "the range holds some, not all")
    let records = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try SingerFixture.config(server, start: start, extra: ["streams": .string("annotations")])
      return try await SingerFixture.sync(config).messages.records("annotations")
    }
    #expect(records.count == expected)
  }

  @Test("export's catalog has tap-mixpanel's columns dataset, labels and sampling_factor")
  func tapExportColumns() throws {
    let export = try #require(try Self.discovered().first { $0["stream"] as? String == "export" })
    let properties = try #require((export["schema"] as? [String: Any])?["properties"] as? [String: Any])
    for column in ["dataset", "labels", "sampling_factor", "event", "time", "distinct_id"] {
      #expect(properties[column] != nil, "\(column)")
    }
  }

  @Test("denest_properties \"false\" (pipelinewise's tap): export RECORDs keep Mixpanel's nested properties")
  func nestedProperties() async throws {
    let project = FakeProject(seed: 66, eventsPerDay: 80, today: Fixture.today, profiles: 3)
    let start = Fixture.today.advanced(by: -1)
    let messages = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await SingerFixture.sync(
        try SingerFixture.config(server, start: start, extra: ["denest_properties": .string("false")])
      ).messages
    }
    #expect(messages.problems.isEmpty, "\(messages.problems.prefix(3))")
    let records = messages.records("export")
    #expect(records.count == project.truth(from: start, to: Fixture.today).total)
    #expect(records.allSatisfy { Set($0.keys) == ["event", "properties"] })
    #expect(records.allSatisfy { ($0["properties"] as? [String: Any])?["time"] is NSNumber })
    let schema = messages.ofType("SCHEMA", stream: "export").first?["schema"] as? [String: Any]
    #expect(Set((schema?["properties"] as? [String: Any])?.keys.map { $0 } ?? []) == ["event", "properties"])
    #expect(
      ConfigLoaderTests.error(
        #"{"api_secret": "a", "start_date": "2024-01-01", "denest_properties": false, "export_key": true}"#)?
        .key
        == "export_key")
  }

  @Test(
    "singer_types: tap declares every untyped column a string and sends its values as strings, as tap-mixpanel does"
  )
  func tapStringTypes() async throws {
    let project = FakeProject(seed: 67, eventsPerDay: 80, today: Fixture.today, profiles: 4)
    let start = Fixture.today.advanced(by: -1)
    let (typed, strings) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      (
        try await SingerFixture.sync(try SingerFixture.config(server, start: start)).messages,
        try await SingerFixture.sync(
          try SingerFixture.config(
            server, start: start,
            extra: ["singer_types": .string("tap"), "streams": .string("export,engage")])
        ).messages
      )
    }
    #expect(strings.problems.isEmpty, "\(strings.problems.prefix(3))")
    let records = strings.records("export")
    #expect(records.count == typed.records("export").count && !records.isEmpty)
    #expect(typed.records("export").contains { $0["mp_reserved_mp_api_timestamp_ms"] is NSNumber })
    for record in records + strings.records("engage") {
      for (column, value) in record { #expect(value is String || value is NSNull, "\(column): \(value)") }
    }
    let first = try #require(records.first)
    let before = try #require(typed.records("export").first)
    #expect(
      first["mp_reserved_mp_api_timestamp_ms"] as? String == "\(before["mp_reserved_mp_api_timestamp_ms"]!)")
    for schema in strings.ofType("SCHEMA", stream: "export") {
      let columns = (schema["schema"] as? [String: Any])?["properties"] as? [String: [String: Any]] ?? [:]
      for (name, type) in columns where name != "time" {
        #expect(type["type"] as? [String] == ["null", "string"], "\(name): \(type)")
      }
    }
    #expect(
      ConfigLoaderTests.error(#"{"api_secret": "a", "start_date": "2024-01-01", "singer_types": "x"}"#)?.key
        == "singer_types")
  }

  @Test(
    "the tap's first export request asks for one day, so the first RECORD comes quickly; the rest keep date_window_size"
  )
  func firstDayFirst() async throws {
    let project = FakeProject(seed: 69, eventsPerDay: 60, today: Fixture.today)
    let start = Fixture.today.advanced(by: -5)
    let (records, windows) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try SingerFixture.config(
        server, start: start, extra: ["date_window_size": .integer(3), "max_concurrent_windows": .integer(1)])
      let records = try await SingerFixture.sync(config).messages.records("export")
      let windows = server.requestLog.entries.filter { $0.path.contains("export") }.map { entry in
        ["from_date", "to_date"].map { name in entry.query.first { $0.name == name }?.value ?? "" }
      }
      return (records, windows)
    }
    #expect(
      windows == [
        ["\(start)", "\(start)"], ["\(start.advanced(by: 1))", "\(start.advanced(by: 2))"],
        ["\(start.advanced(by: 3))", "\(start.advanced(by: 5))"],
      ])
    #expect(records.count == project.truth(from: start, to: Fixture.today).total)
  }

  @Test("tap-mixpanel's state shape is read, carried through and written back")
  func stateShape() throws {
    let text =
      #"{"bookmarks": {"export": "2024-07-01T10:00:00.000000Z", "funnels": "2024-07-01"}, "currently_syncing": "export"}"#
    let state = try SingerState.parse(Array(text.utf8))
    #expect(state.bookmark("export") == "2024-07-01T10:00:00.000000Z")
    #expect(state.bookmark("funnels") == "2024-07-01")
    #expect(try SingerState.parse(Array("{}".utf8)).bookmarks.isEmpty)
    #expect(throws: SingerError.self) {
      try SingerState.parse(Array(#"{"bookmarks":{"export":"soon"}}"#.utf8))
    }
  }
}
