import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import NDJSON
import Testing

@Suite("Flat records, dedupe and legacy time zones")
struct RecordFormatTests {
  static func flat(_ line: String, utc: Int64?) -> [String: Any] {
    var out: [UInt8] = []
    Array(line.utf8).withUnsafeBytes { FlatRecord.write($0, utcSeconds: utc, into: &out) }
    return (try? JSONSerialization.jsonObject(with: Data(out))) as? [String: Any] ?? [:]
  }

  @Test("flat records lift properties, rename $x and day, and keep every JSON type")
  func flattening() {
    let line = #"""
      {"event":"Signed Up","properties":{"time":1717243512,"$browser":"Chrome","seats":3,"ok":true,"none":null,"tags":["a","b"],"utm":{"source":"x"},"big":9007199254740993,"day":"Mon","mp_lib":"web"}}
      """#
    let record = Self.flat(line, utc: 1_717_243_512)
    #expect(record["event"] as? String == "Signed Up")
    #expect(record["time"] as? String == "2024-06-01T12:05:12Z")
    #expect(record["mp_reserved_browser"] as? String == "Chrome")
    #expect(record["seats"] as? Int == 3 && record["ok"] as? Bool == true && record["none"] is NSNull)
    #expect(record["tags"] as? [String] == ["a", "b"])
    #expect((record["utm"] as? [String: Any])?["source"] as? String == "x")
    #expect(record["property_day"] as? String == "Mon" && record["day"] == nil)
    #expect(record["mp_lib"] as? String == "web")
    #expect(record["properties"] == nil)
  }

  @Test(
    "flat records never repeat a key: a property named event, day, mp_reserved_x or property_y beside $x; DuckDB reads each column"
  )
  func flatKeysAreUnique() throws {
    let line = #"""
      {"event":"Paid","properties":{"time":1717243512,"event":"inner","day":"Mon","$x":1,"mp_reserved_x":2,"property_day":3,"property_event":4,"plain":5}}
      """#
    var output: [UInt8] = []
    Array(line.utf8).withUnsafeBytes { FlatRecord.write($0, utcSeconds: 1_717_243_512, into: &output) }
    let keys = try #require(try JSONNode(parsing: output).objectValue).map(\.key)
    #expect(
      keys == [
        "event", "time", "property_event", "property_day", "mp_reserved_x", "property_mp_reserved_x",
        "property_property_day", "property_property_event", "plain",
      ])
    #expect(Set(keys).count == keys.count, "no key twice")
    let dir = TemporaryDirectory()
    try FileSystem.makeDirectories("\(dir.path)/export/day=2024-06-01")
    try FileSystem.writeAtomically(output + [0x0A], to: "\(dir.path)/export/day=2024-06-01/part.jsonl")
    let rows = try DuckDB.query(
      """
      SELECT event, property_event, property_day, mp_reserved_x, property_mp_reserved_x,
        property_property_day, CAST(day AS VARCHAR)
      FROM read_json('\(dir.path)/export/*/*.jsonl', hive_partitioning = true, format = 'newline_delimited')
      """)
    #expect(rows.map { $0.map { "\($0)" } } == [["Paid", "inner", "Mon", "1", "2", "3", "2024-06-01"]])
  }

  @Test("every fake event flattens to an object with the same values as a reference parser sees")
  func flatMatchesReferenceParser() throws {
    let project = FakeProject(seed: 12, eventsPerDay: 300, today: Fixture.today)
    let body = project.dayBody(Fixture.today)
    for line in body.split(separator: 0x0A).prefix(300) {
      let text = String(decoding: line, as: UTF8.self)
      let raw = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
      let properties = try #require(raw["properties"] as? [String: Any])
      let record = Self.flat(text, utc: (properties["time"] as? NSNumber)?.int64Value)
      #expect(record.count == properties.count + 1)
      for (key, value) in properties where key != "time" {
        let name = key.hasPrefix("$") ? "mp_reserved_" + key.dropFirst() : key == "day" ? "property_day" : key
        #expect(
          (record[name] as? NSObject)?.isEqual(value as? NSObject) ?? (value is NSNull),
          "\(key) keeps its value and type")
      }
    }
  }

  @Test("dedupe drops injected repeats and nothing else; raw keeps them")
  func dedupe() async throws {
    let project = FakeProject(seed: 13, eventsPerDay: 500, today: Fixture.today, duplicateShare: 0.1)
    let first = Fixture.today.advanced(by: -4)
    let truth = project.truth(from: first, to: Fixture.today)
    for dedupe in [false, true] {
      let lake = TemporaryDirectory()
      let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
        try await Fixture.run(
          Fixture.config(lake: lake.path, server: server, start: "\(first)", extra: ["dedupe": .bool(dedupe)])
        )
      }
      let census = try LakeReader(root: lake.path).census()
      if dedupe {
        #expect(
          census.rows == Dictionary(uniqueKeysWithValues: truth.days.map { ("\($0.day)", $0.uniqueRows) }))
        #expect(Set(census.insertIDs).count == census.insertIDs.count)
        #expect(summary.duplicatesDropped == truth.total - truth.uniqueTotal)
      } else {
        #expect(census.rows == truth.byDay)
        #expect(summary.duplicatesDropped == 0)
      }
    }
    #expect(truth.total > truth.uniqueTotal, "the fake served repeats")
  }

  @Test(
    "legacy projects: partitions by the project-local day, flat time is true UTC, east and west of UTC",
    arguments: [("America/Los_Angeles", -25_200), ("Asia/Tokyo", 32_400)])
  func legacyTimeZone(zone: String, offset: Int64) {
    // True UTC 2024-06-01T18:00:00Z exported as local wall-clock seconds (mixpanel-api.md §14.1).
    let local = 1_717_264_800 + offset
    var out: [UInt8] = []
    let line = #"{"event":"e","properties":{"time":\#(local)}}"#
    Array(line.utf8).withUnsafeBytes { FlatRecord.write($0, utcSeconds: local - offset, into: &out) }
    #expect(String(decoding: out, as: UTF8.self) == #"{"event":"e","time":"2024-06-01T18:00:00Z"}"#)
    #expect(Day(epochSeconds: local).description == (offset > 0 ? "2024-06-02" : "2024-06-01"))
  }

  @Test("a legacy project end to end: flat time undoes the zone offset")
  func legacyEndToEnd() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 14, eventsPerDay: 50, today: Fixture.today)
    let first = Fixture.today.advanced(by: -1)
    _ = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(first)",
          extra: [
            "record_format": .string("flat"), "legacy_project_timezone": .bool(true),
            "project_timezone": .string("Asia/Tokyo"),
          ]))
    }
    let reader = LakeReader(root: lake.path)
    let rawBody = project.dayBody(first)
    let rawTimes = rawBody.split(separator: 0x0A).compactMap { line -> Int64? in
      ((try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]).flatMap {
        (($0["properties"] as? [String: Any])?["time"] as? NSNumber)?.int64Value
      }
    }
    let flatTimes = try reader.lines("day=\(first)").compactMap { line -> String? in
      ((try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any])?["time"] as? String
    }
    #expect(flatTimes.count == rawTimes.count)
    #expect(Set(flatTimes) == Set(rawTimes.map { Timestamp.iso8601($0 - 32_400) }))
  }
}

@Suite("Export filters")
struct ExportFilterTests {
  @Test("time_in_ms: millisecond times route to the same days, and flat time is still seconds")
  func timeInMilliseconds() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 15, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -2)
    _ = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(first)",
          extra: ["time_in_ms": .bool(true), "record_format": .string("flat")]))
    }
    let reader = LakeReader(root: lake.path)
    #expect(try reader.census().rows == project.truth(from: first, to: Fixture.today).byDay)
    let line = try #require(try reader.lines("day=\(first)").first)
    let record = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
    #expect((record["time"] as? String)?.hasPrefix("\(first)T") == true)
  }

  @Test("export_events asks for those events only")
  func eventFilter() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 16, eventsPerDay: 300, today: Fixture.today)
    let name = FakeProject.eventNames[0]
    _ = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(Fixture.today)",
          extra: ["export_events": .array([.string(name)])]))
    }
    let rows = try LakeReader(root: lake.path).census().rows["\(Fixture.today)"]
    #expect(rows == project.eventCountsByName(on: Fixture.today)[name])
  }
}
