import CalendarDay

/// Rewrites a validated Mixpanel export line as a flat record, the way tap-mixpanel names
/// columns but keeping every value's JSON type (no stringified numbers, booleans or lists):
///
/// ```
/// {"event":"Signed Up","properties":{"time":1717243512,"$browser":"Chrome","seats":3,"day":"Mon"}}
///   ──► {"event":"Signed Up","time":"2024-06-01T12:05:12Z","mp_reserved_browser":"Chrome","seats":3,
///        "property_day":"Mon"}
/// ```
///
/// `$x` becomes `mp_reserved_x`; a property named like a partition column (`day`) becomes
/// `property_day` instead of being lost; `time` becomes ISO-8601 UTC text from the seconds the
/// caller computed (true UTC, already corrected for legacy project time zones).
public enum FlatRecord {
  /// Property names that would collide with the lake's partition columns.
  public static let reservedColumns: [String] = ["day"]

  /// Appends the flat form of `line` to `output` (no newline). `utcSeconds` replaces `time`.
  ///
  /// `keep`, when given, sees each property's output column name (without quotes) and drops the
  /// column when it returns false (catalog column selection); `event` and `time` always stay.
  public static func write(
    _ line: UnsafeRawBufferPointer, utcSeconds: Int64?, into output: inout [UInt8],
    keep: ((UnsafeRawBufferPointer) -> Bool)? = nil
  ) {
    guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self), line.count > 1 else { return }
    let n = line.count
    output.append(UInt8(ascii: "{"))
    var first = true
    func comma() {
      if !first { output.append(UInt8(ascii: ",")) }
      first = false
    }
    JSONSkipper.members(base, 0, n) { key, value in
      if equals(base, key, "\"properties\""), base[value.lowerBound] == UInt8(ascii: "{") {
        JSONSkipper.members(base, value.lowerBound, n) { innerKey, innerValue in
          comma()
          if equals(base, innerKey, "\"time\"") {
            output.append(contentsOf: #""time":"#.utf8)
            if let utcSeconds {
              output.append(UInt8(ascii: "\""))
              appendISO8601(utcSeconds, to: &output)
              output.append(UInt8(ascii: "\""))
            } else {
              output.append(contentsOf: UnsafeBufferPointer(rebasing: bufferOf(base, n)[innerValue]))
            }
            return
          }
          let keyStart = output.count + 1
          appendRenamedKey(base, innerKey, to: &output)
          if let keep {
            let kept = output.withUnsafeBytes {
              keep(UnsafeRawBufferPointer(rebasing: $0[keyStart..<($0.count - 1)]))
            }
            if !kept {
              // Take back the comma (if any) and the key just written.
              output.removeSubrange((keyStart - 1 - (output[keyStart - 2] == UInt8(ascii: ",") ? 1 : 0))...)
              if output.last == UInt8(ascii: "{") { first = true }
              return
            }
          }
          output.append(UInt8(ascii: ":"))
          output.append(contentsOf: UnsafeBufferPointer(rebasing: bufferOf(base, n)[innerValue]))
        }
        return
      }
      comma()
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bufferOf(base, n)[key]))
      output.append(UInt8(ascii: ":"))
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bufferOf(base, n)[value]))
    }
    output.append(UInt8(ascii: "}"))
  }

  @inline(__always)
  private static func bufferOf(_ base: UnsafePointer<UInt8>, _ n: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base, count: n)
  }

  private static func equals(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, _ literal: String) -> Bool {
    let bytes = literal.utf8
    guard range.count == bytes.count else { return false }
    return zip(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), bytes).allSatisfy {
      $0 == $1
    }
  }

  private static func appendRenamedKey(
    _ base: UnsafePointer<UInt8>, _ key: Range<Int>, to output: inout [UInt8]
  ) {
    let inner = (key.lowerBound + 1)..<(key.upperBound - 1)
    output.append(UInt8(ascii: "\""))
    if !inner.isEmpty, base[inner.lowerBound] == UInt8(ascii: "$") {
      output.append(contentsOf: "mp_reserved_".utf8)
      output.append(
        contentsOf: UnsafeBufferPointer(start: base + inner.lowerBound + 1, count: inner.count - 1))
    } else {
      if reservedColumns.contains(where: { equals(base, key, "\"\($0)\"") }) {
        output.append(contentsOf: "property_".utf8)
      }
      output.append(contentsOf: UnsafeBufferPointer(start: base + inner.lowerBound, count: inner.count))
    }
    output.append(UInt8(ascii: "\""))
  }

  /// `2024-06-01T12:05:12Z`.
  static func appendISO8601(_ seconds: Int64, to output: inout [UInt8]) {
    let date = Day(epochSeconds: seconds)
    let second = Int(seconds - date.startEpochSeconds)
    let (year, month, day) = date.parts
    func digits(_ value: Int, _ width: Int) {
      var divisor = 1
      for _ in 1..<width { divisor *= 10 }
      var rest = value
      while divisor > 0 {
        output.append(UInt8(48 + rest / divisor % 10))
        rest %= divisor
        divisor /= 10
      }
    }
    digits(year, 4)
    output.append(UInt8(ascii: "-"))
    digits(month, 2)
    output.append(UInt8(ascii: "-"))
    digits(day, 2)
    output.append(UInt8(ascii: "T"))
    digits(second / 3600, 2)
    output.append(UInt8(ascii: ":"))
    digits(second / 60 % 60, 2)
    output.append(UInt8(ascii: ":"))
    digits(second % 60, 2)
    output.append(UInt8(ascii: "Z"))
  }
}
