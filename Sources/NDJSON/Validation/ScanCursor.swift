import Glibc

/// The state of one ``JSONLineScanner`` pass: a position, a stack of open containers kept as a
/// bit set (1 = object, 0 = array), and which of the interesting keys is current.
struct ScanCursor {
  private enum Key { case other, event, properties, time, distinctID, insertID }

  let p: UnsafePointer<UInt8>
  let n: Int
  var i = 0
  private var depth = 0
  private var objectBits: UInt64 = 0
  private var topKey = Key.other
  private var propertiesKey = Key.other
  private var fields = EventFields()
  /// Where the types of `properties`' members go (nil: not gathered).
  private let tally: PropertyTypeTally.Handle?
  /// The depth whose members' types the tally notes: 2 (`properties`), 1 (a row), 0 (none).
  private let tallyDepth: Int
  /// The bytes of the current `properties` member's key, between its quotes.
  private var keyStart = 0
  private var keyLength = 0
  /// The tally's entry of the current `properties` member's key when the key was recognised as
  /// the one predicted (-1: look it up by its bytes).
  private var keyEntry = -1
  /// Whether the number ``scanNumber(parse:)`` last read had a fraction or an exponent.
  var numberHadFraction = false

  init(base: UnsafePointer<UInt8>, count: Int, tally: PropertyTypeTally.Handle? = nil) {
    self.p = base
    self.n = count
    self.tally = tally
    self.tallyDepth = tally?.depth ?? 0
  }

  /// Notes the type of the `properties` member whose value starts at `i` with `c`.
  @inline(__always)
  private mutating func observe(_ c: UInt8) {
    guard let tally, inObject, tallyDepth == 1 || topKey == .properties else { return }
    let types: PropertyTypeTally.Types
    switch c {
    case UInt8(ascii: "\""): types = .string
    case UInt8(ascii: "{"): types = .object
    case UInt8(ascii: "["): types = .array
    case UInt8(ascii: "t"), UInt8(ascii: "f"): types = .boolean
    case UInt8(ascii: "n"): types = .null
    default:
      // A number: noted once scanned (``observeNumber()``), which tells a fraction apart.
      return
    }
    note(tally, types)
  }

  @inline(__always)
  private mutating func note(_ tally: PropertyTypeTally.Handle, _ types: PropertyTypeTally.Types) {
    if keyEntry >= 0 {
      tally.observe(entry: keyEntry, types)
    } else {
      tally.observe(p + keyStart, keyLength, types)
    }
  }

  /// Notes the type of the number just scanned for the current `properties` member.
  @inline(__always)
  private mutating func observeNumber() {
    guard let tally, inObject, tallyDepth == 1 || topKey == .properties else { return }
    note(tally, numberHadFraction ? .fraction : .integer)
  }

  func fail(_ reason: String) -> NDJSONError {
    .invalidJSON(offset: i, reason: reason)
  }

  private var inObject: Bool { depth > 0 && (objectBits >> UInt64(depth - 1)) & 1 == 1 }
  private var inProperties: Bool { depth == 2 && topKey == .properties && inObject }

  /// The whole line, in direct style: a value, then the closing brackets and separators that
  /// follow it, then the next value. No state dispatch per token (a jump table on a state enum
  /// mispredicts on almost every token of a Mixpanel event).
  mutating func scanLine() throws(NDJSONError) -> EventFields {
    tally?.beginLine()
    skipSpace()
    guard i < n, p[i] == UInt8(ascii: "{") else { throw fail("a line must be a JSON object") }
    while true {
      // At a value.
      skipSpace()
      guard i < n else { throw fail("line ends inside a value") }
      let c = p[i]
      if depth == tallyDepth { observe(c) }
      if c == UInt8(ascii: "\"") {
        try scanStringValue()
      } else if c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) {
        try scanNumberValue()
        if depth == tallyDepth { observeNumber() }
      } else if c == UInt8(ascii: "{") {
        try open(object: true)
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "}") {
          i += 1
          depth -= 1
        } else {
          try scanMemberName()
          continue
        }
      } else if c == UInt8(ascii: "[") {
        try open(object: false)
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "]") {
          i += 1
          depth -= 1
        } else {
          continue
        }
      } else if c == UInt8(ascii: "t") {
        try scanLiteral("true")
      } else if c == UInt8(ascii: "f") {
        try scanLiteral("false")
      } else if c == UInt8(ascii: "n") {
        try scanLiteral("null")
      } else {
        throw fail("expected a JSON value")
      }
      // After a value: close containers until a separator leads to the next value.
      while true {
        skipSpace()
        guard depth > 0 else {
          guard i >= n else { throw fail("unexpected bytes after the JSON value") }
          return fields
        }
        guard i < n else { throw fail("line ends inside a value") }
        let d = p[i]
        i += 1
        if d == UInt8(ascii: ",") {
          if inObject { try scanMemberName() }
          break
        }
        if d == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
          depth -= 1
          continue
        }
        i -= 1
        throw fail("expected ',' or a closing bracket")
      }
    }
  }

  @inline(__always)
  private mutating func open(object isObject: Bool) throws(NDJSONError) {
    guard depth < JSONLineScanner.maxDepth else { throw fail("nested deeper than 64 levels") }
    if isObject {
      if depth == 1, topKey == .properties { fields.hasPropertiesObject = true }
      objectBits |= 1 << UInt64(depth)
    } else {
      objectBits &= ~(1 << UInt64(depth))
    }
    depth += 1
    if depth == 2 { propertiesKey = .other }
    i += 1
  }

  /// A key and its colon; leaves `i` at the value.
  @inline(__always)
  private mutating func scanMemberName() throws(NDJSONError) {
    skipSpace()
    guard i < n, p[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
    if depth == tallyDepth, let tally, tallyDepth == 1 || topKey == .properties {
      // Properties come in much the same order line after line: when the bytes after the quote
      // are the key the tally expects next (a key already validated) and a quote, the key is
      // that one, and neither scanning nor looking it up is needed.
      let entry = tally.predicted
      if entry >= 0 {
        let (length, escaped) = tally.key(of: entry)
        let end = i + 1 + length
        if end < n, p[end] == UInt8(ascii: "\""), i + 9 <= n, tally.keyMatches(entry, p + i + 1, length) {
          keyStart = i + 1
          keyLength = length
          keyEntry = entry
          i = end + 1
          classify(keyStart, length, escaped: escaped)
          return try scanColon()
        }
      }
      keyEntry = -1
    }
    try scanKey()
    try scanColon()
  }

  @inline(__always)
  private mutating func scanColon() throws(NDJSONError) {
    skipSpace()
    guard i < n, p[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
    i += 1
  }

  @inline(__always)
  private mutating func scanStringValue() throws(NDJSONError) {
    let start = i
    _ = try scanString()
    if depth == 1, topKey == .event {
      fields.event = start..<i
    } else if inProperties {
      if propertiesKey == .distinctID {
        fields.distinctID = start..<i
      } else if propertiesKey == .insertID {
        fields.insertID = start..<i
      }
    }
  }

  @inline(__always)
  private mutating func scanNumberValue() throws(NDJSONError) {
    let wantTime = inProperties && propertiesKey == .time
    let start = i
    let value = try scanNumber(parse: wantTime)
    if wantTime { fields.time = value }
    if inProperties, propertiesKey == .distinctID { fields.distinctID = start..<i }
  }

  @inline(__always)
  private mutating func scanKey() throws(NDJSONError) {
    let start = i + 1
    let escaped = try scanString()
    if depth == tallyDepth {
      keyStart = start
      keyLength = i - 1 - start
    }
    classify(start, i - 1 - start, escaped: escaped)
  }

  /// Notes which of the interesting keys the key at `start` is.
  @inline(__always)
  private mutating func classify(_ start: Int, _ length: Int, escaped: Bool) {
    guard !escaped, depth == 1 || depth == 2 else { return setKey(.other) }
    let key = UnsafeRawBufferPointer(start: p + start, count: length)
    if depth == 1 {
      topKey = Self.equals(key, "event") ? .event : Self.equals(key, "properties") ? .properties : .other
    } else if topKey == .properties {
      propertiesKey =
        Self.equals(key, "time")
        ? .time
        : Self.equals(key, "distinct_id") ? .distinctID : Self.equals(key, "$insert_id") ? .insertID : .other
    }
  }

  private mutating func setKey(_ key: Key) {
    if depth == 1 { topKey = key } else if depth == 2 { propertiesKey = key }
  }

  @inline(__always)
  private static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    guard bytes.count == literal.utf8CodeUnitCount else { return false }
    return memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0
  }

  @inline(__always)
  private mutating func skipSpace() {
    if i < n, p[i] > 0x20 { return }
    while i < n {
      let c = p[i]
      guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
      i += 1
    }
  }

  @inline(__always)
  private mutating func scanLiteral(_ literal: StaticString) throws(NDJSONError) {
    let count = literal.utf8CodeUnitCount
    guard n - i >= count, memcmp(p + i, literal.utf8Start, count) == 0 else {
      throw fail("invalid literal")
    }
    i += count
  }
}
