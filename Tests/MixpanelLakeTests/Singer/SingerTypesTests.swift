import Foundation
import MixpanelAPI
import MixpanelFake
import NDJSON
import Testing

@testable import MixpanelLake

/// One JSON type per column (besides null), so that typed targets (target-duckdb,
/// target-postgres) can build their tables: discovery types each property, and a sync turns a
/// column that meets another type into a string column before the record that needs it.
@Suite("Singer types: one JSON type per property")
struct SingerTypesTests {
  @Test("a value's type from its first byte; two types merge to string; integers and fractions are one type")
  func propertyTypes() throws {
    let cases: [(String, PropertyType?)] = [
      (#""x""#, .string), ("3", .number), ("-1.5", .number), ("true", .boolean), ("false", .boolean),
      ("{}", .object), ("[1]", .array), ("null", nil),
    ]
    for (text, type) in cases {
      #expect(PropertyType(firstByte: Array(text.utf8)[0]) == type, "\(text)")
      #expect(PropertyType(try JSONNode(parsing: Array(text.utf8))) == type, "\(text)")
    }
    #expect(PropertyType.number.merged(with: .number) == .number)
    #expect(PropertyType.number.merged(with: .boolean) == .string)
    #expect(PropertyType.array.merged(with: .object) == .string)
    for type in PropertyType.allCases {
      #expect(PropertyType(jsonSchema: type.jsonSchema) == type)
    }
    #expect(PropertyType(jsonSchema: SingerStreamSpec.anyType) == nil)
    #expect(PropertyType(jsonSchema: SingerStreamSpec.dateTime) == nil)
    let engage: [(String?, PropertyType)] = [
      ("string", .string), ("number", .number), ("boolean", .boolean), ("datetime", .string),
      ("list", .array), ("object", .object), ("unknown", .string), (nil, .string),
    ]
    for (name, type) in engage { #expect(PropertyType(engageType: name) == type, "\(name ?? "nil")") }
  }

  @Test("discovery names export columns as flat records do (property_ and mp_reserved_ rules)")
  func flatColumnNames() throws {
    let names = ["$os", "event", "day", "mp_reserved_x", "property_y", "plain", "$"]
    let members = names.enumerated().map { "\"\($0.element)\":\($0.offset)" }
    let line = Array((#"{"event":"E","properties":{"time":1,"# + members.joined(separator: ",") + "}}").utf8)
    var out: [UInt8] = []
    line.withUnsafeBytes { FlatRecord.write($0, utcSeconds: 1, into: &out) }
    let record = try JSONNode(parsing: out)
    for (index, name) in names.enumerated() {
      #expect(
        record[FlatRecord.columnName(name)] == .number("\(index)"), "\(name) → \(FlatRecord.columnName(name))"
      )
    }
  }

  static func literal(_ name: String) -> [UInt8] { SingerSchema.literal(name) }

  static func types(_ schema: inout SingerSchema) throws -> [String: [String]] {
    let message = try JSONNode(parsing: Array(schema.message().dropLast()))
    var out: [String: [String]] = [:]
    for (name, type) in message["schema"]?["properties"]?.objectValue ?? [] {
      out[name] = type["type"]?.arrayValue?.compactMap(\.stringValue)
    }
    return out
  }

  @Test("a sync's schema: new columns take their first non-null type, a second type makes a string column")
  func schemaGrowsAndWidens() throws {
    let spec = try #require(SingerStreamSpec.named("export"))
    let selection = SingerCatalog.Selection(
      stream: "export", declared: spec.columns.map(\.name) + ["seats"], deselected: [],
      types: ["seats": PropertyType.number.jsonSchema])
    var schema = SingerSchema(spec: spec, selection: selection, keepsUndeclared: true)
    _ = schema.message()
    #expect(!schema.needsMessage)
    schema.observe(Self.literal("seats"), firstByte: UInt8(ascii: "3"))
    schema.observe(Self.literal("late"), firstByte: UInt8(ascii: "n"))
    #expect(schema.needsMessage, "a column seen only with null still needs declaring")
    schema.observe(Self.literal("late"), firstByte: UInt8(ascii: "t"))
    schema.observe(Self.literal("nothing"), firstByte: UInt8(ascii: "n"))
    var types = try Self.types(&schema)
    #expect(types["seats"] == ["null", "number"] && types["late"] == ["null", "boolean"])
    #expect(types["nothing"] == ["null", "string"], "only nulls: a string column")
    #expect(types["mp_processing_time_ms"] == ["null", "number"] && types["time"] == ["null", "string"])
    #expect(!schema.stringified.contains(Self.literal("seats")))
    schema.observe(Self.literal("seats"), firstByte: UInt8(ascii: "\""))
    #expect(schema.needsMessage)
    types = try Self.types(&schema)
    #expect(types["seats"] == ["null", "string"])
    #expect(schema.stringified.contains(Self.literal("seats")), "its numbers are now sent as text")
    schema.observe(Self.literal("seats"), firstByte: UInt8(ascii: "3"))
    #expect(!schema.needsMessage, "a string column takes anything")
  }

  @Test("a catalog's own types are kept: one PropertyType or any type; anything else is a string")
  func catalogTypesKept() throws {
    let spec = try #require(SingerStreamSpec.named("export"))
    let schema = SingerSchema.base(
      spec, declared: ["event", "a", "b", "c", "d"],
      types: [
        "a": PropertyType.object.jsonSchema, "b": SingerStreamSpec.anyType,
        "c": .object([("type", .string("integer"))]),
      ])
    let columns = Dictionary(
      uniqueKeysWithValues: schema["properties"]?.objectValue?.map { ($0.key, $0.value) } ?? [])
    #expect(columns["a"] == PropertyType.object.jsonSchema && columns["b"] == SingerStreamSpec.anyType)
    #expect(columns["c"] == SingerStreamSpec.stringType && columns["d"] == SingerStreamSpec.stringType)
    let tap = SingerSchema.base(
      spec, declared: ["a"], types: ["a": PropertyType.object.jsonSchema], stringTypes: true)
    #expect(tap["properties"]?["a"] == SingerStreamSpec.stringType)
  }

  @Test(
    "discovery types each property: profile types from engage/properties, event types from one sampled export"
  )
  func discoveryTypes() async throws {
    let project = FakeProject(seed: 71, eventsPerDay: 400, today: Fixture.today, profiles: 60)
    let (catalog, exports) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try SingerFixture.config(
        server, start: Fixture.today.advanced(by: -3), extra: ["streams": .string("export,engage")])
      let catalog = try await SingerDiscovery.catalog(
        config: config, logger: Fixture.logger, now: Fixture.now)
      return (catalog, server.requestLog.entries.filter { $0.path.contains("export") })
    }
    #expect(exports.count == 1, "one export request for the sample")
    let query = Dictionary(uniqueKeysWithValues: (exports.first?.query ?? []).map { ($0.name, $0.value) })
    let yesterday = "\(Fixture.today.advanced(by: -1))"
    #expect(query["from_date"] == yesterday && query["to_date"] == yesterday && query["limit"] == "2000")
    let root = try JSONNode(parsing: catalog)
    var types: [String: [String: [String]]] = [:]
    for stream in root["streams"]?.arrayValue ?? [] {
      let name = stream["tap_stream_id"]?.stringValue ?? ""
      for (column, type) in stream["schema"]?["properties"]?.objectValue ?? [] {
        types[name, default: [:]][column] = type["type"]?.arrayValue?.compactMap(\.stringValue)
      }
    }
    let export = try #require(types["export"])
    let expected: [String: String] = [
      "plan": "string", "seats": "number", "amount": "number", "invited": "boolean", "tags": "array",
      "utm": "object", "mixed": "string", "coupon": "string", "mp_reserved_browser_version": "number",
      "mp_reserved_os": "string", "Ключ с пробелом": "number",
    ]
    for (column, type) in expected { #expect(export[column] == ["null", type], "export.\(column)") }
    for (stream, columns) in types {
      for (column, type) in columns {
        #expect(type.count == 2 && type[0] == "null", "\(stream).\(column): \(type)")
      }
    }
    let engage = try #require(types["engage"])
    #expect(engage["mp_reserved_email"] == ["null", "string"] && engage["tags"] == ["null", "array"])
    #expect(engage["purchases"] == ["null", "number"], "\(engage)")
  }

  @Test(
    "a sync with the discovered catalog: every record fits its last SCHEMA; a mistyped column becomes a string column"
  )
  func syncFitsItsSchemas() async throws {
    let project = FakeProject(seed: 72, eventsPerDay: 300, today: Fixture.today, profiles: 40)
    let start = Fixture.today.advanced(by: -2)
    let messages = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try SingerFixture.config(
        server, start: start, extra: ["streams": .string("export,engage")])
      // A catalog as discovery writes it, with `plan` (strings in the data) declared a number.
      var catalog = try JSONNode(
        parsing: try await SingerDiscovery.catalog(
          config: config, logger: Fixture.logger, now: Fixture.now))
      catalog = try Self.retype(catalog, stream: "export", column: "plan", as: .number)
      for stream in ["export", "engage"] { catalog = try Self.select(catalog, stream: stream) }
      return try await SingerFixture.sync(config, catalog: try SingerCatalog.parse(catalog.bytes)).messages
    }
    #expect(messages.problems.isEmpty, "\(messages.problems.prefix(3))")
    let records = messages.records("export")
    #expect(records.count == project.truth(from: start, to: Fixture.today).total)
    let schemas = messages.ofType("SCHEMA", stream: "export")
    let planTypes = schemas.map {
      (($0["schema"] as? [String: Any])?["properties"] as? [String: [String: Any]])?["plan"]?["type"]
        as? [String]
    }
    #expect(planTypes.first == ["null", "number"] && planTypes.last == ["null", "string"], "\(planTypes)")
    #expect(records.contains { $0["plan"] is String })
    for (column, type) in messages.lastTypes("export") + messages.lastTypes("engage") {
      #expect(type.count == 2, "\(column): \(type)")
    }
    let mixed = records.compactMap { $0["mixed"] }.filter { !($0 is NSNull) }
    #expect(!mixed.isEmpty && mixed.allSatisfy { $0 is String }, "mixed values are sent as text")
    #expect(records.contains { $0["seats"] is NSNumber && !($0["seats"] is String) })
  }

  /// `catalog` with `stream` selected.
  static func select(_ catalog: JSONNode, stream: String) throws -> JSONNode {
    try edit(catalog, stream: stream) { entry in
      var metadata = entry["metadata"]?.arrayValue ?? []
      metadata[0] = .object([
        ("breadcrumb", .array([])), ("metadata", .object([("selected", .bool(true))])),
      ])
      return entry.setting("metadata", .array(metadata))
    }
  }

  /// `catalog` with `column` of `stream` declared as `type`.
  static func retype(_ catalog: JSONNode, stream: String, column: String, as type: PropertyType) throws
    -> JSONNode
  {
    try edit(catalog, stream: stream) { entry in
      let schema = try #require(entry["schema"])
      var columns = try #require(schema["properties"]?.objectValue)
      let index = try #require(columns.firstIndex { $0.key == column })
      columns[index].value = type.jsonSchema
      return entry.setting("schema", schema.setting("properties", .object(columns)))
    }
  }

  static func edit(_ catalog: JSONNode, stream: String, _ change: (JSONNode) throws -> JSONNode) throws
    -> JSONNode
  {
    let streams = try (catalog["streams"]?.arrayValue ?? []).map { entry in
      entry["tap_stream_id"]?.stringValue == stream ? try change(entry) : entry
    }
    return .object([("streams", .array(streams))])
  }
}

extension Dictionary where Key == String, Value == [String] {
  fileprivate static func + (lhs: Self, rhs: Self) -> Self {
    lhs.merging(rhs.map { ("engage." + $0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
  }
}

extension JSONNode {
  fileprivate func setting(_ key: String, _ value: JSONNode) -> JSONNode {
    guard var members = objectValue else { return self }
    if let index = members.firstIndex(where: { $0.key == key }) {
      members[index].value = value
    } else {
      members.append((key, value))
    }
    return .object(members)
  }
}
