/// Validates one line as a JSON object (RFC 8259, UTF-8) in a single pass over its bytes, and
/// picks out the fields a Mixpanel export line is routed and deduplicated by (``EventFields``).
///
/// It allocates nothing and never decodes: strings are checked byte by byte (escapes, control
/// characters, UTF-8 sequences), numbers against the JSON grammar. Nesting deeper than
/// ``maxDepth`` is rejected.
///
/// ```
/// {"event":"Signed Up","properties":{"time":1717243512,"distinct_id":"u1","$insert_id":"…"}}
///           └ event ┘                       └─ time ─┘              └distinctID┘  └insertID┘
/// ```
public enum JSONLineScanner {
  /// The deepest nesting of objects and arrays accepted.
  public static let maxDepth = 64

  /// Validates `line` and returns the fields it found; throws ``NDJSONError/invalidJSON(offset:reason:)``.
  public static func scan(_ line: UnsafeRawBufferPointer) throws(NDJSONError) -> EventFields {
    try scan(line, tally: nil)
  }

  /// Validates `line`, and notes the type of each `properties` member in `tally` (a line that
  /// fails validation may have noted some before the error).
  public static func scan(_ line: UnsafeRawBufferPointer, tally: PropertyTypeTally?) throws(NDJSONError)
    -> EventFields
  {
    guard let base = line.baseAddress, line.count > 0 else {
      throw .invalidJSON(offset: 0, reason: "empty line")
    }
    // The tally stays alive for the call; the cursor holds its storage without counting references.
    return try withExtendedLifetime(tally) { () throws(NDJSONError) -> EventFields in
      var cursor = ScanCursor(
        base: base.assumingMemoryBound(to: UInt8.self), count: line.count, tally: tally?.handle)
      return try cursor.scanLine()
    }
  }

  /// Validates `line` given as an array.
  public static func scan(_ line: [UInt8]) throws(NDJSONError) -> EventFields {
    do {
      return try line.withUnsafeBytes { buffer in try scan(buffer) }
    } catch let error as NDJSONError {
      throw error
    } catch {
      throw .invalidJSON(offset: 0, reason: "\(error)")
    }
  }
}
