/// Moves over one JSON value of an already validated line and returns where it ends. It trusts
/// the input (``JSONLineScanner`` validated it), so it checks nothing and allocates nothing.
enum JSONSkipper {
  /// The index after the value that starts at `start` (whitespace before it is skipped).
  static func skipValue(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
    var i = skipSpace(p, start, n)
    guard i < n else { return i }
    switch p[i] {
    case UInt8(ascii: "\""):
      return skipString(p, i, n)
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      while i < n {
        // Eight bytes at a time to the next quote or bracket.
        if i + 8 <= n {
          let found = structuralBytes(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
          if found == 0 {
            i += 8
            continue
          }
          i += found.trailingZeroBitCount >> 3
        }
        switch p[i] {
        case UInt8(ascii: "\""):
          i = skipString(p, i, n)
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 { return i + 1 }
        default: break
        }
        i += 1
      }
      return i
    default:
      while i < n {
        switch p[i] {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return i
        default: i += 1
        }
      }
      return i
    }
  }

  /// The high bit of each byte that is a quote or a bracket; exact for the lowest one.
  @inline(__always)
  static func structuralBytes(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    @inline(__always) func zeroes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x }
    // `{` 0x7B and `[` 0x5B differ in one bit, as do `}` 0x7D and `]` 0x5D: fold that bit away.
    let folded = word | (ones &* 0x20)
    let open = zeroes(folded ^ (ones &* 0x7B))
    let close = zeroes(folded ^ (ones &* 0x7D))
    let quote = zeroes(word ^ (ones &* 0x22))
    return (open | close | quote) & (ones &* 0x80)
  }

  /// The index after the string whose opening quote is at `start`.
  @inline(__always)
  static func skipString(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
    var i = start + 1
    while i < n {
      // Eight bytes at a time to the first quote or backslash.
      if i + 8 <= n {
        let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let found = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highs
        if found == 0 {
          i += 8
          continue
        }
        i += found.trailingZeroBitCount >> 3
      }
      if p[i] == UInt8(ascii: "\\") {
        i += 2
        continue
      }
      if p[i] == UInt8(ascii: "\"") { return i + 1 }
      i += 1
    }
    return i
  }

  static func skipSpace(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
    var i = start
    while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
    return i
  }

  /// Calls `body(key, value)` for each member of the object whose `{` is at `start`; key ranges
  /// include the quotes. Returns the index after the closing `}`.
  @discardableResult
  static func members(
    _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ body: (Range<Int>, Range<Int>) -> Void
  ) -> Int {
    var i = skipSpace(p, start, n) + 1
    while i < n {
      i = skipSpace(p, i, n)
      guard i < n else { return i }
      if p[i] == UInt8(ascii: "}") { return i + 1 }
      if p[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      let keyStart = i
      let keyEnd = skipString(p, i, n)
      i = skipSpace(p, keyEnd, n) + 1  // the colon
      let valueStart = skipSpace(p, i, n)
      let valueEnd = skipValue(p, valueStart, n)
      body(keyStart..<keyEnd, valueStart..<valueEnd)
      i = valueEnd
    }
    return i
  }
}
