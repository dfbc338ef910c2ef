/// A JSON document built in code and rendered compactly, for Query API responses. Object keys
/// keep their insertion order.
enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    lhs.bytes == rhs.bytes
  }

  /// The compact UTF-8 encoding.
  var bytes: [UInt8] {
    var out = JSONByteWriter(capacity: 256)
    self.write(into: &out)
    return out.bytes
  }

  func write(into out: inout JSONByteWriter) {
    switch self {
    case .null: out.ascii("null")
    case .bool(let value): out.ascii(value ? "true" : "false")
    case .int(let value): out.int(value)
    case .double(let value):
      if value.isFinite {
        out.bytes.append(contentsOf: Array(value.description.utf8))
      } else {
        out.ascii("null")
      }
    case .string(let value): out.string(value)
    case .array(let values):
      out.byte(UInt8(ascii: "["))
      for (index, value) in values.enumerated() {
        if index > 0 { out.byte(UInt8(ascii: ",")) }
        value.write(into: &out)
      }
      out.byte(UInt8(ascii: "]"))
    case .object(let members):
      out.byte(UInt8(ascii: "{"))
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { out.byte(UInt8(ascii: ",")) }
        out.string(key)
        out.byte(UInt8(ascii: ":"))
        value.write(into: &out)
      }
      out.byte(UInt8(ascii: "}"))
    }
  }
}
