/// Numbers per the JSON grammar; digits eight at a time.
extension ScanCursor {
  /// Scans a number per the JSON grammar; when `parse`, returns its integer part (nil on overflow).
  @inline(__always)
  mutating func scanNumber(parse: Bool) throws(NDJSONError) -> Int64? {
    var j = i
    var negative = false
    numberHadFraction = false
    if p[j] == UInt8(ascii: "-") {
      negative = true
      j += 1
    }
    guard j < n, Self.isDigit(p[j]) else {
      i = j
      throw fail("invalid number")
    }
    var value: Int64 = 0
    var overflow = false
    if p[j] == 0x30 {
      j += 1
    } else if parse {
      while j < n, Self.isDigit(p[j]) {
        if !overflow {
          let (m, o1) = value.multipliedReportingOverflow(by: 10)
          let (s, o2) = m.addingReportingOverflow(Int64(p[j] - 0x30))
          value = s
          overflow = o1 || o2
        }
        j += 1
      }
    } else {
      j = Self.digitsEnd(p, n, j + 1)
    }
    if j < n, p[j] == UInt8(ascii: ".") {
      numberHadFraction = true
      j += 1
      guard j < n, Self.isDigit(p[j]) else {
        i = j
        throw fail("invalid number")
      }
      j = Self.digitsEnd(p, n, j + 1)
    }
    if j < n, p[j] | 0x20 == UInt8(ascii: "e") {
      numberHadFraction = true
      j += 1
      if j < n, p[j] == UInt8(ascii: "+") || p[j] == UInt8(ascii: "-") { j += 1 }
      guard j < n, Self.isDigit(p[j]) else {
        i = j
        throw fail("invalid number")
      }
      j = Self.digitsEnd(p, n, j + 1)
      overflow = true  // an exponent makes the integer part meaningless as a timestamp
    }
    i = j
    guard parse, !overflow else { return nil }
    return negative ? -value : value
  }

  @inline(__always)
  private static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

  /// The position of the first byte at or after `from` that is not a digit: eight bytes at a
  /// time (a byte is a digit when its high nibble is 3 and stays 3 with 6 added; a carry out of
  /// a byte that is no digit can only flag bytes after it).
  @inline(__always)
  private static func digitsEnd(_ p: UnsafePointer<UInt8>, _ n: Int, _ from: Int) -> Int {
    var j = from
    while j + 8 <= n {
      let word = UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)
      let highs: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
      let threes: UInt64 = 0x3030_3030_3030_3030
      let other = ((word & highs) ^ threes) | (((word &+ 0x0606_0606_0606_0606) & highs) ^ threes)
      if other != 0 { return j + other.trailingZeroBitCount >> 3 }
      j += 8
    }
    while j < n, isDigit(p[j]) { j += 1 }
    return j
  }
}
