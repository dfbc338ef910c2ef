/// Parses a JSON array of strings (the `event` parameter). Nil for anything else.
enum JSONStringArray {
  static func parse(_ text: String) -> [String]? {
    var parser = Parser(bytes: Array(text.utf8))
    return parser.parseArray()
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    mutating func skipWhitespace() {
      while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
      return true
    }

    mutating func parseArray() -> [String]? {
      guard consume(UInt8(ascii: "[")) else { return nil }
      var values: [String] = []
      if consume(UInt8(ascii: "]")) { return finish(values) }
      while true {
        skipWhitespace()
        guard let value = parseString() else { return nil }
        values.append(value)
        if consume(UInt8(ascii: ",")) { continue }
        guard consume(UInt8(ascii: "]")) else { return nil }
        return finish(values)
      }
    }

    mutating func finish(_ values: [String]) -> [String]? {
      skipWhitespace()
      return index == bytes.count ? values : nil
    }

    mutating func parseString() -> String? {
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
      index += 1
      var out: [UInt8] = []
      while index < bytes.count {
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
        case 0..<0x20: return nil
        case UInt8(ascii: "\\"):
          guard index < bytes.count else { return nil }
          let escape = bytes[index]
          index += 1
          switch escape {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
          case UInt8(ascii: "b"): out.append(0x08)
          case UInt8(ascii: "f"): out.append(0x0C)
          case UInt8(ascii: "n"): out.append(0x0A)
          case UInt8(ascii: "r"): out.append(0x0D)
          case UInt8(ascii: "t"): out.append(0x09)
          case UInt8(ascii: "u"):
            guard var scalar = parseHex4() else { return nil }
            if (0xD800..<0xDC00).contains(scalar) {
              guard consumeLiteral("\\u"), let low = parseHex4(), (0xDC00..<0xE000).contains(low) else {
                return nil
              }
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { return nil }
            out.append(contentsOf: Array(String(Character(unicode)).utf8))
          default: return nil
          }
        default: out.append(byte)
        }
      }
      return nil
    }

    mutating func consumeLiteral(_ literal: String) -> Bool {
      let expected = Array(literal.utf8)
      guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected
      else { return false }
      index += expected.count
      return true
    }

    mutating func parseHex4() -> UInt32? {
      guard index + 4 <= bytes.count else { return nil }
      var value: UInt32 = 0
      for byte in bytes[index..<index + 4] {
        guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
        value = value << 4 | UInt32(digit)
      }
      index += 4
      return value
    }
  }
}
