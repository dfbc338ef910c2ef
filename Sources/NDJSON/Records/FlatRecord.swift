import CalendarDay
import Glibc

/// Rewrites a validated Mixpanel export line as a flat record, the way tap-mixpanel names
/// columns but keeping every value's JSON type (no stringified numbers, booleans or lists):
///
/// ```
/// {"event":"Signed Up","properties":{"time":1717243512,"$browser":"Chrome","seats":3,"day":"Mon"}}
///   ──► {"event":"Signed Up","time":"2024-06-01T12:05:12Z","mp_reserved_browser":"Chrome","seats":3,
///        "property_day":"Mon"}
/// ```
///
/// `$x` becomes `mp_reserved_x`; `time` becomes ISO-8601 UTC text from the seconds the caller
/// computed (true UTC, already corrected for legacy project time zones). No record repeats a
/// key (Spark rejects duplicate columns; DuckDB keeps one silently): a property whose name is
/// taken by another column, or could be, gets the prefix `property_`: `event` (the event's own
/// name wins), `day` (the partition column), and names already starting with `mp_reserved_` or
/// `property_` (`$x` wins `mp_reserved_x`). So `mp_reserved_…` columns come only from `$`
/// properties, `property_…` columns only from prefixed ones, and every other column keeps its
/// property's name.
public enum FlatRecord {
  /// The column a property named `property` gets in a flat record (the rule above, on a
  /// decoded name; discovery names catalog columns with it).
  public static func columnName(_ property: String) -> String {
    if property.hasPrefix("$") { return "mp_reserved_" + property.dropFirst() }
    if property == "day" || property == "event" || property.hasPrefix("mp_reserved_")
      || property.hasPrefix("property_")
    {
      return "property_" + property
    }
    return property
  }

  /// The most bytes ``write(_:utcSeconds:to:keep:)`` writes for a line of `count` bytes: a
  /// renamed key grows by at most 11 bytes (`"$k":v,` is at least 6) and `time` by at most 21.
  public static func maxBytes(forLineOf count: Int) -> Int { 4 * count + 64 }

  /// Appends the flat form of `line` to `output` (no newline). `utcSeconds` replaces `time`.
  ///
  /// `keep`, when given, sees each property's output column name (without quotes) and drops the
  /// column when it returns false (catalog column selection); `event` and `time` always stay.
  public static func write(
    _ line: UnsafeRawBufferPointer, utcSeconds: Int64?, into output: inout [UInt8],
    keep: ((UnsafeRawBufferPointer) -> Bool)? = nil
  ) {
    let start = output.count
    let capacity = maxBytes(forLineOf: line.count)
    output.append(contentsOf: repeatElement(0, count: capacity))
    let written = output.withUnsafeMutableBufferPointer { buffer in
      write(line, utcSeconds: utcSeconds, to: buffer.baseAddress! + start, keep: keep)
    }
    output.removeLast(capacity - written)
  }

  /// Writes the flat form of `line` at `out`, which must have room for
  /// ``maxBytes(forLineOf:)`` bytes; returns the bytes written. No allocation, no bounds checks
  /// per byte: the hot path of `record_format: flat`.
  public static func write(
    _ line: UnsafeRawBufferPointer, utcSeconds: Int64?, to out: UnsafeMutablePointer<UInt8>,
    keep: ((UnsafeRawBufferPointer) -> Bool)? = nil
  ) -> Int {
    guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self), line.count > 1 else { return 0 }
    let n = line.count
    // Plain loops and an explicit cursor: no closures capturing mutable state (which would box
    // it and check exclusivity on every byte written).
    var w = Output(base: out)
    w.put(UInt8(ascii: "{"))
    var i = JSONSkipper.skipSpace(base, 0, n) + 1
    while let (key, valueStart) = nextMember(base, &i, n) {
      if equals(base, key, "\"properties\""), base[valueStart] == UInt8(ascii: "{") {
        i = valueStart + 1
        while let (innerKey, innerStart) = nextMember(base, &i, n) {
          let innerValue = innerStart..<JSONSkipper.skipValue(base, innerStart, n)
          i = innerValue.upperBound
          let memberStart = w.o
          w.separate()
          if equals(base, innerKey, "\"time\"") {
            w.copy(#""time":"#)
            if let utcSeconds {
              w.put(UInt8(ascii: "\""))
              w.o += appendISO8601(utcSeconds, to: w.base + w.o)
              w.put(UInt8(ascii: "\""))
            } else {
              w.copy(base, innerValue)
            }
            continue
          }
          let keyStart = w.o + 1
          w.o += writeRenamedKey(base, innerKey, to: w.base + w.o)
          if let keep, !keep(UnsafeRawBufferPointer(start: w.base + keyStart, count: w.o - 1 - keyStart)) {
            w.o = memberStart  // take back the comma and the key just written
            continue
          }
          w.put(UInt8(ascii: ":"))
          w.copy(base, innerValue)
        }
        continue
      }
      let valueEnd = JSONSkipper.skipValue(base, valueStart, n)
      w.separate()
      w.copy(base, key)
      w.put(UInt8(ascii: ":"))
      w.copy(base, valueStart..<valueEnd)
      i = valueEnd
    }
    w.put(UInt8(ascii: "}"))
    return w.o
  }

  /// A write cursor over the caller's buffer.
  private struct Output {
    let base: UnsafeMutablePointer<UInt8>
    var o = 0

    @inline(__always) mutating func put(_ byte: UInt8) {
      base[o] = byte
      o += 1
    }

    @inline(__always) mutating func copy(_ from: UnsafePointer<UInt8>, _ range: Range<Int>) {
      (base + o).update(from: from + range.lowerBound, count: range.count)
      o += range.count
    }

    @inline(__always) mutating func copy(_ literal: StaticString) {
      (base + o).update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
      o += literal.utf8CodeUnitCount
    }

    /// A comma unless this is the object's first member.
    @inline(__always) mutating func separate() {
      if base[o - 1] != UInt8(ascii: "{") { put(UInt8(ascii: ",")) }
    }
  }

  /// Moves `i` over separators to the next member of the object being read; returns its key
  /// (quotes included) and where its value starts, or nil (with `i` after the `}`) at the end.
  @inline(__always)
  private static func nextMember(
    _ base: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int
  ) -> (key: Range<Int>, valueStart: Int)? {
    while i < n {
      i = JSONSkipper.skipSpace(base, i, n)
      guard i < n else { return nil }
      switch base[i] {
      case UInt8(ascii: "}"):
        i += 1
        return nil
      case UInt8(ascii: ","):
        i += 1
      default:
        let key = i..<JSONSkipper.skipString(base, i, n)
        let valueStart = JSONSkipper.skipSpace(base, JSONSkipper.skipSpace(base, key.upperBound, n) + 1, n)
        guard valueStart < n else { return nil }
        return (key, valueStart)
      }
    }
    return nil
  }

  @inline(__always)
  private static func equals(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, _ literal: StaticString)
    -> Bool
  {
    range.count == literal.utf8CodeUnitCount
      && memcmp(base + range.lowerBound, literal.utf8Start, range.count) == 0
  }

  /// Writes the output column name of property `key` (quotes included); returns its length.
  @inline(__always)
  private static func writeRenamedKey(
    _ base: UnsafePointer<UInt8>, _ key: Range<Int>, to out: UnsafeMutablePointer<UInt8>
  ) -> Int {
    var o = 0
    out[o] = UInt8(ascii: "\"")
    o += 1
    var from = key.lowerBound + 1
    if key.count > 2, base[from] == UInt8(ascii: "$") {
      let prefix: StaticString = "mp_reserved_"
      (out + o).update(from: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
      o += prefix.utf8CodeUnitCount
      from += 1
    } else if needsPropertyPrefix(base, key) {
      let prefix: StaticString = "property_"
      (out + o).update(from: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
      o += prefix.utf8CodeUnitCount
    }
    let count = key.upperBound - from  // the rest, closing quote included
    (out + o).update(from: base + from, count: count)
    return o + count
  }

  /// Whether literal property `key` (quotes included) must be written as `property_<key>`.
  @inline(__always)
  private static func needsPropertyPrefix(_ base: UnsafePointer<UInt8>, _ key: Range<Int>) -> Bool {
    if equals(base, key, "\"day\"") || equals(base, key, "\"event\"") { return true }
    let name = key.lowerBound + 1
    let length = key.count - 2
    return (length >= 12 && memcmp(base + name, "mp_reserved_", 12) == 0)
      || (length >= 9 && memcmp(base + name, "property_", 9) == 0)
  }

  /// `2024-06-01T12:05:12Z` (20 bytes for years 0–9999); returns the bytes written.
  static func appendISO8601(_ seconds: Int64, to out: UnsafeMutablePointer<UInt8>) -> Int {
    let date = Day(epochSeconds: seconds)
    let second = Int(seconds - date.startEpochSeconds)
    let (year, month, day) = date.parts
    var o = 0
    func digits(_ value: Int, _ width: Int) {
      var divisor = 1
      for _ in 1..<width { divisor *= 10 }
      var rest = value
      while divisor > 0 {
        out[o] = UInt8(48 + rest / divisor % 10)
        o += 1
        rest %= divisor
        divisor /= 10
      }
    }
    func put(_ byte: UInt8) {
      out[o] = byte
      o += 1
    }
    digits(year, 4)
    put(UInt8(ascii: "-"))
    digits(month, 2)
    put(UInt8(ascii: "-"))
    digits(day, 2)
    put(UInt8(ascii: "T"))
    digits(second / 3600, 2)
    put(UInt8(ascii: ":"))
    digits(second / 60 % 60, 2)
    put(UInt8(ascii: ":"))
    digits(second % 60, 2)
    put(UInt8(ascii: "Z"))
    return o
  }
}
