/// One JSON value from a Query API response, kept as Mixpanel sent it: object keys in order,
/// numbers as their original text (so `588.0` stays `588.0` and large integers stay exact),
/// `true` apart from `1` apart from `"1"`.
///
/// Query responses are small (one engage page is at most a few MB), so a tree is fine here;
/// the export stream never builds one.
public indirect enum JSONNode: Sendable, Equatable {
  case null
  case bool(Bool)
  /// The number's text exactly as it appeared in the response, e.g. `-12`, `3.50`, `1e3`.
  case number(String)
  case string(String)
  case array([JSONNode])
  /// Members in the order they appeared.
  case object([(key: String, value: JSONNode)])

  public static func == (lhs: JSONNode, rhs: JSONNode) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }

  /// An integer number node.
  public static func integer(_ value: Int) -> JSONNode { .number(String(value)) }

  /// The value of member `key` of an object (the first one, should a key repeat).
  public subscript(key: String) -> JSONNode? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// The value of an integer number (`12`, not `12.5` or `"12"`).
  public var intValue: Int? {
    if case .number(let text) = self { return Int(text) }
    return nil
  }

  public var arrayValue: [JSONNode]? {
    if case .array(let items) = self { return items }
    return nil
  }

  public var objectValue: [(key: String, value: JSONNode)]? {
    if case .object(let members) = self { return members }
    return nil
  }

  /// Compact JSON text (no spaces, no newline), UTF-8.
  public var bytes: [UInt8] {
    var out: [UInt8] = []
    write(into: &out)
    return out
  }

  /// Appends compact JSON text to `out`.
  public func write(into out: inout [UInt8]) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
    case .number(let text): out.append(contentsOf: text.utf8)
    case .string(let text): Self.writeString(text, into: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        item.write(into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      for (index, member) in members.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        Self.writeString(member.key, into: &out)
        out.append(UInt8(ascii: ":"))
        member.value.write(into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// A JSON string literal: `"`, `\` and control characters escaped, everything else as UTF-8.
  public static func writeString(_ text: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
      case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [
          0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)],
        ])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
