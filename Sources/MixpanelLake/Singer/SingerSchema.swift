import MixpanelAPI

/// The schema of one stream during a sync. It starts from the stream's known columns (those the
/// catalog keeps) and grows when the data brings a column it does not declare yet, so that every
/// record validates against the last SCHEMA message sent before it.
///
/// Each property column has one type besides `null` (``PropertyType``): a new column gets the
/// type of its first non-null value (a string when it has none), and a column that meets a
/// value of another type becomes a string column, its other values sent as their JSON text.
/// Both changes send a new SCHEMA message before the record that needs it.
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
  /// Literals of the columns declared `["null","string"]`, whose other values are sent as
  /// their JSON text (a number `3` as `"3"`), as tap-mixpanel sends every property.
  private(set) var stringified: Set<[UInt8]> = []
  /// Literals of the columns declared as one other ``PropertyType``: a value of another type
  /// turns the column into a string column.
  private var typed: [[UInt8]: PropertyType] = [:]
  /// New columns seen only with `null` so far (declared as strings if nothing else comes).
  private var untyped: [(literal: [UInt8], name: String)] = []
  private let stringTypes: Bool
  /// True when ``properties`` changed since the last SCHEMA message.
  private(set) var changed = true

  init(
    spec: SingerStreamSpec, selection: SingerCatalog.Selection, keepsUndeclared: Bool,
    stringTypes: Bool = false
  ) {
    self.spec = spec
    self.keepsUndeclared = keepsUndeclared
    self.stringTypes = stringTypes
    let schema = Self.base(
      spec, declared: selection.declared, types: selection.types, stringTypes: stringTypes)
    properties = schema["properties"]?.objectValue ?? []
    literals = Set(properties.map { Self.literal($0.key) })
    dropped = Set(selection.deselected.subtracting(spec.automaticColumns).map(Self.literal))
    datetimes = Set(spec.datetimeColumns.map(Self.literal))
    for (name, type) in properties {
      guard let type = PropertyType(jsonSchema: type) else { continue }
      track(Self.literal(name), as: type)
    }
  }

  private mutating func track(_ literal: [UInt8], as type: PropertyType) {
    if type == .string {
      stringified.insert(literal)
      typed[literal] = nil
    } else {
      typed[literal] = type
    }
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

  /// Takes note of one member of a record (its key's literal, its value's first byte): declares
  /// a kept column that is new, and turns a typed column into a string column when the value has
  /// another type.
  mutating func observe(_ literal: [UInt8], firstByte: UInt8?) {
    let type = firstByte.flatMap(PropertyType.init(firstByte:))
    if literals.contains(literal) {
      if let declared = typed[literal], let type, type != declared { widen(literal) }
      if let type, let index = untyped.firstIndex(where: { $0.literal == literal }) {
        declare(untyped.remove(at: index).name, literal, as: stringTypes ? .string : type)
      }
      return
    }
    guard keepsUndeclared, !dropped.contains(literal) else { return }
    guard case .string(let name)? = try? JSONNode(parsing: literal) else { return }
    literals.insert(literal)
    if let type {
      declare(name, literal, as: stringTypes ? .string : type)
    } else {
      untyped.append((literal, name))
    }
  }

  private mutating func declare(_ name: String, _ literal: [UInt8], as type: PropertyType) {
    properties.append((name, type.jsonSchema))
    track(literal, as: type)
    changed = true
  }

  private mutating func widen(_ literal: [UInt8]) {
    track(literal, as: .string)
    if let index = properties.firstIndex(where: { Self.literal($0.key) == literal }) {
      properties[index].value = SingerStreamSpec.stringType
    }
    changed = true
  }

  /// The SCHEMA message for the current columns (columns seen only with `null` declared as
  /// strings); clears ``changed``.
  mutating func message() -> [UInt8] {
    for (literal, name) in untyped { declare(name, literal, as: .string) }
    untyped = []
    changed = false
    var members: [(key: String, value: JSONNode)] = [
      ("type", .string("SCHEMA")), ("stream", .string(spec.name)),
      ("schema", Self.schema(properties)),
      ("key_properties", .array(spec.keyProperties.map { .string($0) })),
    ]
    if let key = spec.replicationKey { members.append(("bookmark_properties", .array([.string(key)]))) }
    return JSONNode.object(members).bytes + [0x0A]
  }

  /// Whether a SCHEMA message is due: columns changed, or new ones wait for a type.
  var needsMessage: Bool { changed || !untyped.isEmpty }

  /// A stream's JSON Schema with its known columns among `declared` (plus key columns), and
  /// the other `declared` columns with the type `types` (a catalog's) gives them: one
  /// ``PropertyType`` or any type, kept as given; a string for anything else or none.
  static func base(
    _ spec: SingerStreamSpec, declared: [String], types: [String: JSONNode] = [:], stringTypes: Bool = false
  ) -> JSONNode {
    var properties: [(key: String, value: JSONNode)] = []
    for column in spec.columns
    where declared.contains(column.name) || spec.automaticColumns.contains(column.name) {
      properties.append((column.name, column.type.schema(stringTypes: stringTypes)))
    }
    for name in declared where !properties.contains(where: { $0.key == name }) {
      let given = types[name].flatMap { type in
        PropertyType(jsonSchema: type) != nil || type == SingerStreamSpec.anyType ? type : nil
      }
      properties.append(
        (name, stringTypes ? SingerStreamSpec.stringType : given ?? SingerStreamSpec.stringType))
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
