import MixpanelAPI

/// The schema of one stream during a sync. It starts from the stream's known columns (those the
/// catalog keeps) and grows when the data brings a column it does not declare yet, so that every
/// record validates against the last SCHEMA message sent before it: new columns are declared
/// with ``SingerStreamSpec/anyType``.
///
/// Column names are compared as the JSON string literals found in the records (quotes
/// included), so a record is never decoded to be checked.
struct SingerSchema {
  let spec: SingerStreamSpec
  /// Whether columns the catalog does not list are kept (tap-mixpanel's
  /// `select_properties_by_default`); when false they are dropped from records instead.
  let keepsUndeclared: Bool
  private(set) var properties: [(key: String, value: JSONNode)]
  private var literals: Set<[UInt8]>
  /// Literals of the columns records must not carry.
  let dropped: Set<[UInt8]>
  /// Literals of the columns written as ISO-8601 UTC.
  let datetimes: Set<[UInt8]>
  /// `singer_types: tap`: literals of the columns declared `["null","string"]` instead of any
  /// type, whose other values are sent as their JSON text (a number `3` as `"3"`), as
  /// tap-mixpanel sends every property.
  private(set) var stringified: Set<[UInt8]> = []
  private let stringTypes: Bool
  /// True when ``properties`` grew since the last SCHEMA message.
  private(set) var changed = true

  init(
    spec: SingerStreamSpec, selection: SingerCatalog.Selection, keepsUndeclared: Bool,
    stringTypes: Bool = false
  ) {
    self.spec = spec
    self.keepsUndeclared = keepsUndeclared
    self.stringTypes = stringTypes
    let schema = Self.base(spec, declared: selection.declared, stringTypes: stringTypes)
    properties = schema["properties"]?.objectValue ?? []
    if stringTypes {
      stringified = Set(
        properties.filter { $0.value == SingerStreamSpec.stringType }.map { Self.literal($0.key) })
    }
    literals = Set(properties.map { Self.literal($0.key) })
    dropped = Set(selection.deselected.subtracting(spec.automaticColumns).map(Self.literal))
    datetimes = Set(spec.datetimeColumns.map(Self.literal))
  }

  /// The JSON string literal of a column name, quotes included.
  static func literal(_ name: String) -> [UInt8] {
    var out: [UInt8] = []
    JSONNode.writeString(name, into: &out)
    return out
  }

  /// Whether a record's column (given as its literal) is written.
  func keeps(_ literal: [UInt8]) -> Bool {
    if dropped.contains(literal) { return false }
    return keepsUndeclared || literals.contains(literal)
  }

  /// Declares a column seen in the data, if it is kept and new.
  mutating func observe(_ literal: [UInt8]) {
    guard !literals.contains(literal), keepsUndeclared, !dropped.contains(literal) else { return }
    guard case .string(let name)? = try? JSONNode(parsing: literal) else { return }
    literals.insert(literal)
    properties.append((name, SingerStreamSpec.dynamicType(stringTypes: stringTypes)))
    if stringTypes { stringified.insert(literal) }
    changed = true
  }

  /// The SCHEMA message for the current columns; clears ``changed``.
  mutating func message() -> [UInt8] {
    changed = false
    var members: [(key: String, value: JSONNode)] = [
      ("type", .string("SCHEMA")), ("stream", .string(spec.name)),
      ("schema", Self.schema(properties)),
      ("key_properties", .array(spec.keyProperties.map { .string($0) })),
    ]
    if let key = spec.replicationKey { members.append(("bookmark_properties", .array([.string(key)]))) }
    return JSONNode.object(members).bytes + [0x0A]
  }

  /// A stream's JSON Schema with its known columns among `declared` (plus key columns), and
  /// `declared` columns it does not know typed as any value.
  static func base(_ spec: SingerStreamSpec, declared: [String], stringTypes: Bool = false) -> JSONNode {
    let dynamic = SingerStreamSpec.dynamicType(stringTypes: stringTypes)
    var properties: [(key: String, value: JSONNode)] = []
    for column in spec.columns
    where declared.contains(column.name) || spec.automaticColumns.contains(column.name) {
      properties.append((column.name, column.type == SingerStreamSpec.anyType ? dynamic : column.type))
    }
    for name in declared where !properties.contains(where: { $0.key == name }) {
      properties.append((name, dynamic))
    }
    return schema(properties)
  }

  static func schema(_ properties: [(key: String, value: JSONNode)]) -> JSONNode {
    .object([
      ("type", .array([.string("null"), .string("object")])), ("additionalProperties", .bool(true)),
      ("properties", .object(properties)),
    ])
  }
}
