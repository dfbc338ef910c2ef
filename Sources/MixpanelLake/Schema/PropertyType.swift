public import MixpanelAPI

/// The one JSON type a Mixpanel property's column is declared with, besides `null`.
///
/// Mixpanel's properties are dynamic: the same name can carry a number on one event and a string
/// on the next. Targets that build typed tables (target-duckdb, target-postgres) need one type per
/// column, so each column gets the type its values have, and a column seen with two types
/// becomes a string column (``merged(with:)``): its other values are then sent as their JSON
/// text (`3` as `"3"`), which every string column accepts. JSON integers and fractions are one
/// type, `number`, so that `1` then `1.5` never widens a column.
public enum PropertyType: String, Sendable, Equatable, CaseIterable {
  case string, number, boolean, object, array

  /// The type of a JSON value from its first byte; nil for `null` (which fits every type).
  public init?(firstByte byte: UInt8) {
    switch byte {
    case UInt8(ascii: "\""): self = .string
    case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .boolean
    case UInt8(ascii: "{"): self = .object
    case UInt8(ascii: "["): self = .array
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): self = .number
    default: return nil
    }
  }

  /// The type of a parsed value; nil for `null`.
  public init?(_ value: JSONNode) {
    switch value {
    case .null: return nil
    case .bool: self = .boolean
    case .number: self = .number
    case .string: self = .string
    case .array: self = .array
    case .object: self = .object
    }
  }

  /// The type of a profile property as `engage/properties` names it (§10.4): `datetime`
  /// values come in several text forms and `unknown` in any, so both are strings.
  public init(engageType: String?) {
    switch engageType {
    case "number": self = .number
    case "boolean": self = .boolean
    case "list": self = .array
    case "object": self = .object
    default: self = .string
    }
  }

  /// The type of a column that has held values of both types: itself when they agree, else
  /// `string`.
  public func merged(with other: PropertyType) -> PropertyType {
    self == other ? self : .string
  }

  /// Whether a value that starts with `byte` fits this type (`null` fits every type).
  func accepts(firstByte byte: UInt8) -> Bool {
    PropertyType(firstByte: byte).map { $0 == self } ?? true
  }

  /// The column's JSON Schema: `{"type": ["null", "<type>"]}`.
  public var jsonSchema: JSONNode {
    .object([("type", .array([.string("null"), .string(rawValue)]))])
  }

  /// The type `schema` declares, when it is exactly one of ours (`{"type": ["null", T]}`, no
  /// format); nil for anything else (any type, a date-time, an integer).
  public init?(jsonSchema schema: JSONNode) {
    guard case .object(let members) = schema, members.count == 1, members[0].key == "type",
      case .array(let types) = members[0].value, types.count == 2, types[0] == .string("null"),
      case .string(let name) = types[1], let type = PropertyType(rawValue: name)
    else { return nil }
    self = type
  }
}
