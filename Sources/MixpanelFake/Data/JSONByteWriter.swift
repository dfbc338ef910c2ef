/// Appends JSON tokens to a byte array by hand (much faster than `JSONEncoder`).
struct JSONByteWriter {
  var bytes: [UInt8]

  init(capacity: Int) {
    self.bytes = []
    self.bytes.reserveCapacity(capacity)
  }

  @inline(__always)
  mutating func raw(_ other: [UInt8]) {
    self.bytes.append(contentsOf: other)
  }

  @inline(__always)
  mutating func byte(_ value: UInt8) {
    self.bytes.append(value)
  }

  mutating func ascii(_ text: StaticString) {
    text.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
  }

  /// A JSON string literal, escaped per RFC 8259.
  mutating func string(_ text: String) {
    JSONByteWriter.appendQuoted(text, to: &self.bytes)
  }

  mutating func int(_ value: Int64) {
    if value < 0 {
      self.bytes.append(UInt8(ascii: "-"))
      self.unsigned(value.magnitude)
    } else {
      self.unsigned(UInt64(value))
    }
  }

  mutating func int(_ value: Int) {
    self.int(Int64(value))
  }

  mutating func unsigned(_ value: UInt64) {
    if value < 10 {
      self.bytes.append(UInt8(ascii: "0") + UInt8(value))
      return
    }
    var digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)  // 40 bytes of scratch
    withUnsafeMutableBytes(of: &digits) { scratch in
      var remaining = value
      var index = scratch.count
      while remaining > 0 {
        index -= 1
        scratch[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
        remaining /= 10
      }
      self.bytes.append(contentsOf: scratch[index...])
    }
  }

  /// Lowercase hex, zero-padded to `digits` characters (no quotes).
  mutating func hex(_ value: UInt64, digits: Int) {
    var shift = (digits - 1) * 4
    while shift >= 0 {
      let nibble = UInt8((value >> UInt64(shift)) & 0xF)
      self.bytes.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
      shift -= 4
    }
  }

  /// A decimal with exactly two fraction digits, e.g. `cents = 4999` → `49.99`.
  mutating func decimal2(_ cents: Int64) {
    if cents < 0 { self.bytes.append(UInt8(ascii: "-")) }
    let magnitude = cents.magnitude
    self.unsigned(magnitude / 100)
    self.bytes.append(UInt8(ascii: "."))
    self.bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 100 / 10))
    self.bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
  }

  /// `"key":` with the key escaped.
  mutating func key(_ quotedKey: [UInt8]) {
    self.bytes.append(contentsOf: quotedKey)
    self.bytes.append(UInt8(ascii: ":"))
  }

  static func quoted(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    appendQuoted(text, to: &out)
    return out
  }

  static func appendQuoted(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
      case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
      case 0..<0x20:
        out.append(contentsOf: Array("\\u00".utf8))
        let hexDigits = Array("0123456789abcdef".utf8)
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0xF)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
