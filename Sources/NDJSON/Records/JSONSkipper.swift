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

  /// The index after the string whose opening quote is at `start`.
  static func skipString(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
    var i = start + 1
    while i < n {
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
