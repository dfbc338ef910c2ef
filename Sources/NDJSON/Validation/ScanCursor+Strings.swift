/// Strings: plain bytes eight at a time, then escapes and multi-byte UTF-8 checked one by one.
extension ScanCursor {
  /// Scans a string starting at its opening quote; leaves `i` after the closing quote.
  /// Returns whether it held an escape.
  @inline(__always)
  mutating func scanString() throws(NDJSONError) -> Bool {
    // The position lives in a local while the bytes are plain (the compiler keeps it in a
    // register; `self.i` would be stored back on every step).
    var j = i + 1
    var escaped = false
    while true {
      // Eight bytes at a time (SWAR): the lowest byte flagged is the first one that is not plain
      // ASCII (a quote, a backslash, a control character or a UTF-8 lead); jump straight to it.
      if j + 8 <= n {
        let flags = Self.specialBytes(UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
        if flags == 0 {
          j += 8
          continue
        }
        j += flags.trailingZeroBitCount >> 3
      } else {
        while j < n, Self.isPlain(p[j]) { j += 1 }
        guard j < n else {
          i = j
          throw fail("unterminated string")
        }
      }
      let c = p[j]
      if c == 0x22 {
        i = j + 1
        return escaped
      }
      if c == 0x5C {
        escaped = true
        j = try Self.escapeEnd(p, n, j)
      } else if c < 0x20 {
        i = j
        throw fail("control character in a string")
      } else {
        j = try Self.utf8End(p, n, j, c)
      }
    }
  }

  @inline(__always)
  private static func isPlain(_ c: UInt8) -> Bool {
    c >= 0x20 && c < 0x80 && c != 0x22 && c != 0x5C
  }

  /// The high bit of each byte that is `"`, `\\`, below 0x20 or above 0x7F; exact for the lowest
  /// such byte (the classic "has zero byte" trick, applied to `x ^ c` for each byte `c` looked
  /// for; borrows only ever flag bytes above a true hit).
  @inline(__always)
  private static func specialBytes(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
    let quote = hasZero(word ^ (ones &* 0x22))
    let backslash = hasZero(word ^ (ones &* 0x5C))
    let control = (word &- ones &* 0x20) & ~word & highs
    return quote | backslash | control | (word & highs)
  }

  /// Checks the escape at `at` (a backslash); returns the position after it.
  @inline(never)
  private static func escapeEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ at: Int) throws(NDJSONError) -> Int {
    guard at + 1 < n else { throw .invalidJSON(offset: at, reason: "unterminated escape") }
    switch p[at + 1] {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
      UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      return at + 2
    case UInt8(ascii: "u"):
      guard at + 5 < n else { throw .invalidJSON(offset: at, reason: "short \\u escape") }
      for k in 2...5 where !isHex(p[at + k]) { throw .invalidJSON(offset: at, reason: "bad \\u escape") }
      return at + 6
    default:
      throw .invalidJSON(offset: at, reason: "invalid escape")
    }
  }

  @inline(__always)
  private static func isHex(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66)
  }

  /// Checks the multi-byte UTF-8 sequence at `at`, led by `lead` (RFC 3629 table, no overlongs
  /// or surrogates); returns the position after it.
  @inline(never)
  private static func utf8End(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ at: Int, _ lead: UInt8
  ) throws(NDJSONError) -> Int {
    let extra: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: extra = 1
    case 0xE0: extra = 2; low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: extra = 2
    case 0xED: extra = 2; high = 0x9F
    case 0xF0: extra = 3; low = 0x90
    case 0xF1...0xF3: extra = 3
    case 0xF4: extra = 3; high = 0x8F
    default: throw .invalidJSON(offset: at, reason: "invalid UTF-8")
    }
    guard at + extra < n else { throw .invalidJSON(offset: at, reason: "truncated UTF-8") }
    let second = p[at + 1]
    guard second >= low, second <= high else { throw .invalidJSON(offset: at, reason: "invalid UTF-8") }
    var k = 2
    while k <= extra {
      guard p[at + k] & 0xC0 == 0x80 else { throw .invalidJSON(offset: at, reason: "invalid UTF-8") }
      k += 1
    }
    return at + extra + 1
  }
}
