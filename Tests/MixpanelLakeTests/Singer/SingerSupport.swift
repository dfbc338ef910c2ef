import Foundation
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

/// Singer messages read back from a tap's output, and a tap run in-process on a virtual clock.
struct SingerMessages {
  let all: [[String: Any]]

  init(_ bytes: [UInt8]) throws {
    all = try bytes.split(separator: 0x0A).map { line in
      let object = try JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed])
      return try #require(object as? [String: Any], "every message is a JSON object")
    }
  }

  init(text: String) throws {
    try self.init(Array(text.utf8))
  }

  func ofType(_ type: String, stream: String? = nil) -> [[String: Any]] {
    all.filter { $0["type"] as? String == type && (stream == nil || $0["stream"] as? String == stream) }
  }

  func records(_ stream: String) -> [[String: Any]] {
    ofType("RECORD", stream: stream).compactMap { $0["record"] as? [String: Any] }
  }

  /// The `value` of the last STATE message.
  var lastState: [String: Any]? {
    ofType("STATE").last?["value"] as? [String: Any]
  }

  var exportBookmark: String? {
    (lastState?["bookmarks"] as? [String: Any])?["export"] as? String
  }

  /// The JSON Schema type name of a value JSONSerialization gave back.
  static func jsonType(_ value: Any) -> String {
    switch value {
    case is NSNull: return "null"
    case is String: return "string"
    case is [Any]: return "array"
    case is [String: Any]: return "object"
    case let number as NSNumber:
      if String(describing: type(of: number)).contains("Boolean") { return "boolean" }
      return number.doubleValue.rounded() == number.doubleValue ? "integer" : "number"
    default: return "unknown"
    }
  }

  /// Whether `value` fits a column declared `{"type": [...]}` (an integer fits `number`).
  static func fits(_ value: Any, _ schema: Any?) -> Bool {
    guard let types = (schema as? [String: Any])?["type"] as? [String] else { return true }
    let type = jsonType(value)
    return types.contains(type) || (type == "integer" && types.contains("number"))
  }

  /// Problems with the order and shape of the messages: a RECORD before its stream's SCHEMA, a
  /// record column its last SCHEMA does not declare or a value of another type than it
  /// declares, a RECORD without `time_extracted`.
  var problems: [String] {
    var schemas: [String: [String: Any]] = [:]
    var problems: [String] = []
    for message in all {
      let stream = message["stream"] as? String ?? ""
      switch message["type"] as? String {
      case "SCHEMA":
        schemas[stream] = (message["schema"] as? [String: Any])?["properties"] as? [String: Any] ?? [:]
      case "RECORD":
        guard let columns = schemas[stream] else {
          problems.append("RECORD of \(stream) before its SCHEMA")
          continue
        }
        let record = message["record"] as? [String: Any] ?? [:]
        let undeclared = Set(record.keys).subtracting(columns.keys)
        if !undeclared.isEmpty { problems.append("\(stream) record has undeclared \(undeclared.sorted())") }
        for (column, value) in record where !Self.fits(value, columns[column]) {
          problems.append("\(stream).\(column): \(value) is not \(columns[column] ?? "")")
        }
        if message["time_extracted"] as? String == nil { problems.append("RECORD without time_extracted") }
      case "STATE":
        if message["value"] as? [String: Any] == nil { problems.append("STATE without value") }
      default:
        problems.append("unknown message \(message)")
      }
    }
    return problems
  }

  /// The column types of the last SCHEMA message of `stream`: `{"type": [...]}` lists.
  func lastTypes(_ stream: String) -> [String: [String]] {
    let schema = ofType("SCHEMA", stream: stream).last?["schema"] as? [String: Any]
    let columns = schema?["properties"] as? [String: [String: Any]] ?? [:]
    return columns.compactMapValues { $0["type"] as? [String] }
  }
}

enum SingerFixture {
  static func config(_ server: FakeServerHandle, start: FakeDay, extra: [String: JSONNode] = [:]) throws
    -> LakeConfig
  {
    var all: [String: JSONNode] = ["query_api_url": .string(server.baseURL)]
    for (key, value) in extra { all[key] = value }
    return try Fixture.config(lake: "/nonexistent-lake", server: server, start: "\(start)", extra: all)
  }

  /// Runs the tap in-process (virtual clock, `Fixture.now`) and returns what it wrote.
  static func sync(
    _ config: LakeConfig, catalog: SingerCatalog? = nil, state: SingerState = SingerState()
  ) async throws -> (messages: SingerMessages, state: SingerState) {
    let output = SingerOutput(capturing: ())
    let tap = SingerTap(
      config: config, catalog: catalog ?? .defaults(streams: config.streams), logger: Fixture.logger,
      clock: VirtualClock(), now: { Fixture.now })
    let final = try await tap.sync(state: state, to: output)
    try output.flush()
    return (try SingerMessages(output.captured), final)
  }

  static func insertID(_ record: [String: Any]) -> String {
    record["mp_reserved_insert_id"] as? String ?? ""
  }

  /// `yyyy-mm-dd` of a record's ISO time.
  static func day(_ record: [String: Any]) -> String {
    String((record["time"] as? String ?? "").prefix(10))
  }
}
