import Foundation
public import MixpanelAPI
public import NDJSON

/// The columns of the export stream, written next to its data as `export/_schema.json` in the
/// JSON of Spark's `StructType` (what `df.schema.json()` writes and `StructType.fromJson`
/// reads), so that Spark and DuckDB load the lake without inferring anything.
///
/// Raw records: `event` (string) and `properties`, a struct of every property seen. Flat
/// records: `event`, `time` (ISO-8601 text) and one column per property, named by
/// ``FlatRecord/columnName(_:)``. Each property's type is the one every committed value fits:
///
/// | values seen (nulls aside) | type | Spark | DuckDB |
/// | --- | --- | --- | --- |
/// | strings, or only nulls | `string` | `string` | `VARCHAR` |
/// | integers | `long` | `long` | `BIGINT` |
/// | numbers with a fraction (and integers) | `double` | `double` | `DOUBLE` |
/// | booleans | `boolean` | `boolean` | `BOOLEAN` |
/// | arrays | `array` | `array<string>` (each element as text) | `JSON` |
/// | objects | `object` | `string` (the object's JSON text) | `JSON` |
/// | two kinds | `mixed` | `string` (each value's JSON text) | `JSON` |
///
/// Types only widen and properties are never dropped (``merged(with:)``), so a schema written
/// before a window's commit fits every line committed before and with it. Our own type is kept
/// in each field's `metadata` (`mixpanel_lake_type`), which Spark carries and ignores.
public struct StreamSchema: Sendable, Equatable {
  public enum ColumnType: String, Sendable, CaseIterable {
    case string, long, double, boolean, array, object, mixed

    /// The type of a property whose values showed `types`.
    public init(_ types: PropertyTypeTally.Types) {
      let kinds = types.subtracting(.null)
      switch kinds {
      case [], [.string]: self = .string
      case [.integer]: self = .long
      case [.fraction], [.integer, .fraction]: self = .double
      case [.boolean]: self = .boolean
      case [.array]: self = .array
      case [.object]: self = .object
      default: self = .mixed
      }
    }

    /// The narrowest type both fit: itself when they agree, `double` for `long` and `double`,
    /// else `mixed` (every value as its JSON text).
    public func merged(with other: ColumnType) -> ColumnType {
      if self == other { return self }
      if Set([self, other]) == [.long, .double] { return .double }
      return .mixed
    }

    /// Whether a value that showed `types` fits a column of this type.
    public func accepts(_ types: PropertyTypeTally.Types) -> Bool {
      let kind = ColumnType(types)
      return types.subtracting(.null).isEmpty || kind == self || merged(with: kind) == self
    }

    var spark: JSONNode {
      switch self {
      case .long: return .string("long")
      case .double: return .string("double")
      case .boolean: return .string("boolean")
      case .array:
        return .object([
          ("type", .string("array")), ("elementType", .string("string")), ("containsNull", .bool(true)),
        ])
      case .string, .object, .mixed: return .string("string")
      }
    }

    var duckDB: String {
      switch self {
      case .string: return "VARCHAR"
      case .long: return "BIGINT"
      case .double: return "DOUBLE"
      case .boolean: return "BOOLEAN"
      case .array, .object, .mixed: return "JSON"
      }
    }
  }

  /// Flat records (top-level columns) or raw ones (`event` and a `properties` struct).
  public var flat: Bool
  /// A Query stream's rows (engage, cohorts, funnels, …): every column is a member of the row,
  /// none fixed.
  public var table = false
  /// Property (raw) or column (flat, table) names and their types.
  public var columns: [String: ColumnType]

  public init(flat: Bool, table: Bool = false, columns: [String: ColumnType] = [:]) {
    self.flat = flat
    self.table = table
    self.columns = columns
  }

  /// A Query stream's schema, from a tally of its rows' own members.
  public init(tableTally tally: PropertyTypeTally) {
    self.init(flat: true, table: true)
    for (key, types) in tally.keysAndTypes {
      if let name = Self.decode(key) { add(name, ColumnType(types)) }
    }
  }

  /// The schema of what `tally` saw: properties by their decoded names (flat: as columns, only
  /// those `keep` keeps).
  public init(flat: Bool, tally: PropertyTypeTally, keep: ((String) -> Bool)? = nil) {
    self.init(flat: flat)
    for (key, types) in tally.keysAndTypes {
      guard var name = Self.decode(key) else { continue }
      if flat, !table {
        // Flat records carry `time` as ISO-8601 text, a column of its own.
        if name == "time" { continue }
        name = FlatRecord.columnName(name)
        if let keep, !keep(name) { continue }
      }
      add(name, ColumnType(types))
    }
  }

  /// A key's bytes between its quotes, JSON escapes decoded.
  static func decode(_ key: [UInt8]) -> String? {
    guard key.contains(UInt8(ascii: "\\")) else { return String(decoding: key, as: UTF8.self) }
    guard case .string(let text)? = try? JSONNode(parsing: [UInt8(ascii: "\"")] + key + [UInt8(ascii: "\"")])
    else { return nil }
    return text
  }

  /// Adds a column, or widens it to fit `type` too.
  private mutating func add(_ name: String, _ type: ColumnType) {
    columns[name] = columns[name].map { $0.merged(with: type) } ?? type
  }

  /// Both schemas' columns, each at the narrowest type both fit.
  public func merged(with other: StreamSchema) -> StreamSchema {
    var result = self
    for (name, type) in other.columns { result.add(name, type) }
    return result
  }

  /// The fixed columns before the properties.
  private var leading: [(String, ColumnType)] {
    table ? [] : flat ? [("event", .string), ("time", .string)] : [("event", .string)]
  }

  private static func field(_ name: String, _ type: JSONNode, ours: String? = nil) -> JSONNode {
    .object([
      ("name", .string(name)), ("type", type), ("nullable", .bool(true)),
      ("metadata", .object(ours.map { [("mixpanel_lake_type", .string($0))] } ?? [])),
    ])
  }

  /// Spark's `StructType` JSON, properties sorted by name.
  public var sparkJSON: JSONNode {
    let properties = columns.keys.sorted().map {
      Self.field($0, columns[$0]!.spark, ours: columns[$0]!.rawValue)
    }
    let fixed = leading.map { Self.field($0.0, $0.1.spark, ours: $0.1.rawValue) }
    let fields: [JSONNode] =
      flat
      ? fixed + properties
      : fixed + [
        Self.field("properties", .object([("type", .string("struct")), ("fields", .array(properties))]))
      ]
    return .object([("type", .string("struct")), ("fields", .array(fields))])
  }

  /// Reads `_schema.json` back (our types from each field's metadata; Spark's where absent).
  public init(sparkJSON node: JSONNode, table: Bool = false) throws {
    guard case .object(let top) = node,
      case .array(let fields)? = top.first(where: { $0.key == "fields" })?.value
    else { throw SchemaFileError("not a Spark StructType: no \"fields\"") }
    func named(_ field: JSONNode) -> (String, JSONNode, JSONNode?)? {
      guard case .object(let members) = field,
        case .string(let name)? = members.first(where: { $0.key == "name" })?.value,
        let type = members.first(where: { $0.key == "type" })?.value
      else { return nil }
      return (name, type, members.first(where: { $0.key == "metadata" })?.value)
    }
    func columnType(_ type: JSONNode, _ metadata: JSONNode?) -> ColumnType {
      if case .object(let meta)? = metadata,
        case .string(let ours)? = meta.first(where: { $0.key == "mixpanel_lake_type" })?.value,
        let known = ColumnType(rawValue: ours)
      {
        return known
      }
      switch type {
      case .string("long"), .string("integer"): return .long
      case .string("double"): return .double
      case .string("boolean"): return .boolean
      case .object: return .array
      default: return .string
      }
    }
    let outer = fields.compactMap(named)
    if let properties = outer.first(where: { $0.0 == "properties" }),
      case .object(let structType) = properties.1,
      case .array(let inner)? = structType.first(where: { $0.key == "fields" })?.value
    {
      self.init(flat: false)
      for (name, type, metadata) in inner.compactMap(named) { columns[name] = columnType(type, metadata) }
    } else {
      self.init(flat: true, table: table)
      for (name, type, metadata) in outer where table || (name != "event" && name != "time") {
        columns[name] = columnType(type, metadata)
      }
    }
  }

  /// DuckDB's `read_json(…, columns = {…})` argument: `{'event': 'VARCHAR', 'properties': 'STRUCT(…)'}`.
  public var duckDBColumns: String {
    func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
    func identifier(_ text: String) -> String {
      "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    let names = columns.keys.sorted()
    if flat {
      let all = leading.map { ($0.0, $0.1.duckDB) } + names.map { ($0, columns[$0]!.duckDB) }
      return "{" + all.map { "\(quoted($0.0)): \(quoted($0.1))" }.joined(separator: ", ") + "}"
    }
    let members = names.map { "\(identifier($0)) \(columns[$0]!.duckDB)" }.joined(separator: ", ")
    return "{'event': 'VARCHAR', 'properties': \(quoted("STRUCT(\(members))"))}"
  }
}

/// A `_schema.json` that cannot be read.
public struct SchemaFileError: Error, CustomStringConvertible, Sendable {
  public let description: String
  init(_ description: String) { self.description = description }
}
