import MixpanelAPI

/// Wraps spooled records (one compact JSON object per line, already validated) in Singer RECORD
/// messages, dropping deselected columns and writing known datetime columns as ISO-8601 UTC:
///
/// ```
/// {"id":1,"created":"2024-02-11 16:03:27","name":"x"}
///   ──► {"type":"RECORD","stream":"cohorts","record":{"id":1,"created":"2024-02-11T16:03:27Z",
///        "name":"x"},"time_extracted":"2024-07-15T12:00:00Z"}
/// ```
enum SingerRecordWriter {
  /// Appends one RECORD message (with its newline) to `out`.
  static func append(
    _ line: UnsafeRawBufferPointer, schema: SingerSchema, timeExtracted: String, into out: inout [UInt8]
  ) {
    out.append(contentsOf: #"{"type":"RECORD","stream":"#.utf8)
    out.append(contentsOf: SingerSchema.literal(schema.spec.name))
    out.append(contentsOf: #","record":"#.utf8)
    if schema.dropped.isEmpty, schema.keepsUndeclared, schema.datetimes.isEmpty, schema.stringified.isEmpty {
      out.append(contentsOf: line)
    } else {
      out.append(UInt8(ascii: "{"))
      var first = true
      JSONMembers.forEach(line) { key, value in
        let literal = Array(UnsafeRawBufferPointer(rebasing: line[key]))
        guard schema.keeps(literal) else { return }
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(contentsOf: literal)
        out.append(UInt8(ascii: ":"))
        let bytes = UnsafeRawBufferPointer(rebasing: line[value])
        if schema.datetimes.contains(literal), let iso = isoDateTime(bytes) {
          out.append(contentsOf: iso)
        } else if schema.stringified.contains(literal), let first = bytes.first, first != UInt8(ascii: "\""),
          !(bytes.count == 4 && first == UInt8(ascii: "n"))
        {
          // A number, boolean, list or object where a string is declared: its JSON text.
          JSONNode.writeString(String(decoding: bytes, as: UTF8.self), into: &out)
        } else {
          out.append(contentsOf: bytes)
        }
      }
      out.append(UInt8(ascii: "}"))
    }
    out.append(contentsOf: #","time_extracted":""#.utf8)
    out.append(contentsOf: timeExtracted.utf8)
    out.append(contentsOf: "\"}\n".utf8)
  }

  /// Shows `schema` every member of `line`: new columns are declared, and typed columns meeting
  /// a value of another type become string columns.
  static func observe(_ line: UnsafeRawBufferPointer, in schema: inout SingerSchema) {
    JSONMembers.forEach(line) { key, value in
      schema.observe(Array(UnsafeRawBufferPointer(rebasing: line[key])), firstByte: line[value].first)
    }
  }

  /// `"2024-02-11 16:03:27"`, `"2024-02-11T16:03:27"` or `"2024-02-11T16:03:27Z"` as
  /// `"2024-02-11T16:03:27.000000Z"`, the form tap-mixpanel (singer-python's `strftime`) writes;
  /// nil for anything else (other zones, numbers, null), which is kept as it is.
  static func isoDateTime(_ value: UnsafeRawBufferPointer) -> [UInt8]? {
    let zoned = value.count == 22 && value[20] == UInt8(ascii: "Z")
    guard value.count == 21 || zoned, value[0] == UInt8(ascii: "\""),
      value[value.count - 1] == UInt8(ascii: "\""),
      value[5] == UInt8(ascii: "-"), value[8] == UInt8(ascii: "-"),
      value[11] == UInt8(ascii: " ") || value[11] == UInt8(ascii: "T"),
      value[14] == UInt8(ascii: ":"), value[17] == UInt8(ascii: ":")
    else { return nil }
    var out = Array(value[0..<20])
    out[11] = UInt8(ascii: "T")
    out.append(contentsOf: ".000000Z\"".utf8)
    return out
  }
}

/// The top-level members of a JSON object that is already known to be valid, as byte ranges
/// (the key with its quotes, the value). Allocates nothing, checks nothing.
enum JSONMembers {
  static func forEach(_ line: UnsafeRawBufferPointer, _ body: (Range<Int>, Range<Int>) -> Void) {
    let n = line.count
    var i = skipSpace(line, 0)
    guard i < n, line[i] == UInt8(ascii: "{") else { return }
    i += 1
    while true {
      i = skipSpace(line, i)
      guard i < n, line[i] == UInt8(ascii: "\"") else { return }
      let keyEnd = skipString(line, i)
      let key = i..<keyEnd
      i = skipSpace(line, keyEnd)
      guard i < n, line[i] == UInt8(ascii: ":") else { return }
      let valueStart = skipSpace(line, i + 1)
      let valueEnd = skipValue(line, valueStart)
      body(key, valueStart..<valueEnd)
      i = skipSpace(line, valueEnd)
      guard i < n, line[i] == UInt8(ascii: ",") else { return }
      i += 1
    }
  }

  private static func skipSpace(_ line: UnsafeRawBufferPointer, _ start: Int) -> Int {
    var i = start
    while i < line.count, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0A || line[i] == 0x0D { i += 1 }
    return i
  }

  /// The index after the string that starts (with its quote) at `start`.
  private static func skipString(_ line: UnsafeRawBufferPointer, _ start: Int) -> Int {
    var i = start + 1
    while i < line.count {
      switch line[i] {
      case UInt8(ascii: "\\"): i += 2
      case UInt8(ascii: "\""): return i + 1
      default: i += 1
      }
    }
    return i
  }

  private static func skipValue(_ line: UnsafeRawBufferPointer, _ start: Int) -> Int {
    var i = start
    guard i < line.count else { return i }
    switch line[i] {
    case UInt8(ascii: "\""):
      return skipString(line, i)
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      while i < line.count {
        switch line[i] {
        case UInt8(ascii: "\""):
          i = skipString(line, i)
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 { return i + 1 }
        default: break
        }
        i += 1
      }
      return i
    default:
      while i < line.count {
        switch line[i] {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return i
        default: i += 1
        }
      }
      return i
    }
  }
}
