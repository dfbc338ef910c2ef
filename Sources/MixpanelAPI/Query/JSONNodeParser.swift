/// A JSON text that does not parse, with the byte offset where parsing stopped.
public struct JSONNodeError: Error, CustomStringConvertible, Sendable, Equatable {
  public let message: String
  public let offset: Int

  public var description: String { "\(message) at byte \(offset)" }
}

extension JSONNode {
  /// Parses one JSON value (RFC 8259) that fills `bytes`, surrounding whitespace allowed.
  public init(parsing bytes: [UInt8]) throws(JSONNodeError) {
    var parser = JSONNodeParser(bytes)
    self = try parser.parseDocument()
  }
}

/// Recursive descent over UTF-8 bytes; nesting is capped so hostile input cannot overflow the
/// stack.
struct JSONNodeParser {
  static let maximumDepth = 512

  private let bytes: [UInt8]
  private var index = 0
  private var depth = 0

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  mutating func parseDocument() throws(JSONNodeError) -> JSONNode {
    let value = try parseValue()
    skipWhitespace()
    guard index == bytes.count else { throw fail("unexpected text after the JSON value") }
    return value
  }

  private func fail(_ message: String) -> JSONNodeError {
    JSONNodeError(message: message, offset: index)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
  }

  private mutating func parseValue() throws(JSONNodeError) -> JSONNode {
    skipWhitespace()
    guard index < bytes.count else { throw fail("unexpected end of JSON") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw fail("unexpected character")
    }
  }

  private mutating func literal(_ word: String, _ value: JSONNode) throws(JSONNodeError) -> JSONNode {
    let expected = Array(word.utf8)
    guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected
    else { throw fail("invalid literal") }
    index += expected.count
    return value
  }

  private mutating func enter() throws(JSONNodeError) {
    depth += 1
    guard depth <= Self.maximumDepth else { throw fail("JSON nested too deeply") }
  }

  private mutating func parseObject() throws(JSONNodeError) -> JSONNode {
    try enter()
    defer { depth -= 1 }
    index += 1
    var members: [(key: String, value: JSONNode)] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
      index += 1
      members.append((key, try parseValue()))
      skipWhitespace()
      guard index < bytes.count else { throw fail("unexpected end of JSON") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      } else {
        throw fail("expected ',' or '}'")
      }
    }
  }

  private mutating func parseArray() throws(JSONNodeError) -> JSONNode {
    try enter()
    defer { depth -= 1 }
    index += 1
    var items: [JSONNode] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      items.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else { throw fail("unexpected end of JSON") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      } else {
        throw fail("expected ',' or ']'")
      }
    }
  }

  private mutating func parseNumber() throws(JSONNodeError) -> JSONNode {
    let start = index
    func digits() -> Int {
      let from = index
      while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
      return index - from
    }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let integerStart = index
    let integerDigits = digits()
    guard integerDigits > 0 else { throw fail("invalid number") }
    if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
      throw fail("number with a leading zero")
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard digits() > 0 else { throw fail("invalid number") }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
        index += 1
      }
      guard digits() > 0 else { throw fail("invalid number") }
    }
    return .number(String(decoding: bytes[start..<index], as: UTF8.self))
  }

  private mutating func parseString() throws(JSONNodeError) -> String {
    index += 1
    var out: [UInt8] = []
    var runStart = index
    while true {
      guard index < bytes.count else { throw fail("unterminated string") }
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        out.append(contentsOf: bytes[runStart..<index])
        index += 1
        guard let text = String(validating: out, as: UTF8.self) else { throw fail("string is not UTF-8") }
        return text
      }
      if byte < 0x20 { throw fail("control character in string") }
      guard byte == UInt8(ascii: "\\") else {
        index += 1
        continue
      }
      out.append(contentsOf: bytes[runStart..<index])
      index += 1
      guard index < bytes.count else { throw fail("unterminated escape") }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
      default: throw fail("invalid escape")
      }
      runStart = index
    }
  }

  /// The UTF-8 of a `\uXXXX` escape (a surrogate pair takes two); lone surrogates become U+FFFD.
  private mutating func unicodeEscape() throws(JSONNodeError) -> [UInt8] {
    let first = try hex4()
    var scalar = Unicode.Scalar(first)
    if (0xD800..<0xDC00).contains(first), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
      bytes[index + 1] == UInt8(ascii: "u")
    {
      let save = index
      index += 2
      let second = try hex4()
      if (0xDC00..<0xE000).contains(second) {
        scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
      } else {
        index = save
      }
    }
    return Array(String(Character(scalar ?? "\u{FFFD}")).utf8)
  }

  private mutating func hex4() throws(JSONNodeError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw fail("invalid \\u escape") }
    var value: UInt32 = 0
    for byte in bytes[index..<index + 4] {
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw fail("invalid \\u escape")
      }
      value = value << 4 | UInt32(digit)
    }
    index += 4
    return value
  }
}
