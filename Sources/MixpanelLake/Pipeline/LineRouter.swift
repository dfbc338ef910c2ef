import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import NDJSON

/// Validates each line and hands it to the writer under the day its `properties.time` falls in,
/// as Mixpanel sent it (`raw`) or flattened (`flat`), dropping repeats when deduplicating.
///
/// The day is `floor(time / 86400)` in both time models: modern projects export true UTC epochs
/// and UTC days; legacy projects export project-local wall-clock seconds and project-timezone
/// days (mixpanel-api.md §14). Flat records carry the true UTC time either way.
final class LineRouter {
  private let writer: WindowWriter
  private let timeDivisor: Int64
  private let flat: Bool
  private let legacyZone: TimeZone?
  private let columns: ColumnSelection?
  private var offsets: [Int64: Int64] = [:]
  private var seen: [Int: Set<DedupeKey>]?
  /// Room for one flat record (grows to the longest line's bound).
  private var scratch: [UInt8] = []
  private(set) var lines = 0
  private(set) var duplicatesDropped = 0
  /// The types of every `properties` member the window's lines held (for `_schema.json`).
  let tally = PropertyTypeTally()
  /// `malformed_lines: quarantine`: lines that are not JSON are set aside instead of failing
  /// the window; `scrub` removes the secrets from their text.
  private let quarantine: ((String) -> String)?
  /// False for the last line of a body that ended without a newline: a cut there is a broken
  /// answer (retried), never data to set aside.
  var mayQuarantine = true

  init(
    writer: WindowWriter, timeInMilliseconds: Bool, flat: Bool, dedupe: Bool, legacyZone: TimeZone?,
    columns: ColumnSelection? = nil, quarantine: ((String) -> String)? = nil
  ) {
    self.columns = columns
    self.quarantine = quarantine
    self.writer = writer
    self.timeDivisor = timeInMilliseconds ? 1000 : 1
    self.flat = flat
    self.legacyZone = legacyZone
    self.seen = dedupe ? [:] : nil
  }

  func route(_ line: UnsafeRawBufferPointer) throws {
    let fields: EventFields
    do {
      fields = try JSONLineScanner.scan(line, tally: tally)
    } catch {
      let terminatedEarly = Self.contains(line, "terminated early")
      if let scrub = quarantine, mayQuarantine, !terminatedEarly {
        lines += 1
        let record = JSONNode.object([
          ("window", .string("\(writer.window.fromDate)..\(writer.window.toDate)")),
          ("line", .integer(lines)), ("error", .string("\(error)")),
          ("text", .string(scrub(String(decoding: line, as: UTF8.self)))),
        ])
        try writer.quarantine(record.bytes)
        return
      }
      throw WindowError.invalidLine(
        writer.window, line: lines + 1, detail: "\(error)", preview: Self.preview(line),
        terminatedEarly: terminatedEarly)
    }
    // An event is an object with a string "event" and an object "properties". Anything else in
    // a 200 body is a failure written where data was expected: Mixpanel's "terminated early"
    // marker as JSON, or an error object (`{"error": "…"}`) from Mixpanel or a proxy, whole or
    // after part of the body. Stored as a row it would replace the window's days with nothing.
    // An event is never taken for a marker, whatever its properties say.
    guard fields.isEvent else {
      if Self.contains(line, "terminated early") {
        throw WindowError.invalidLine(
          writer.window, line: lines + 1, detail: "a line that is not an event says 'terminated early'",
          preview: Self.preview(line), terminatedEarly: true)
      }
      throw WindowError.notAnEvent(
        writer.window, line: lines + 1, serverError: Self.errorText(line),
        preview: Self.preview(line))
    }
    lines += 1
    // A time beyond ±3 million years is no time at all (and would overflow the day math).
    let seconds = fields.time.flatMap { raw -> Int64? in
      guard raw.magnitude <= Self.maxAbsoluteTime else { return nil }
      return raw >= 0 ? raw / timeDivisor : (raw - timeDivisor + 1) / timeDivisor
    }
    // No usable time: keep the line (never drop), outside every day partition.
    let day = seconds.map { Day(epochSeconds: $0) } ?? writer.days.lowerBound.adding(days: -1_000_000)
    if seen != nil, !firstSighting(line, fields, day: day) {
      duplicatesDropped += 1
      return
    }
    guard flat else {
      try writer.append(line, day: day, time: seconds)
      return
    }
    let needed = FlatRecord.maxBytes(forLineOf: line.count)
    if scratch.count < needed { scratch = [UInt8](repeating: 0, count: max(needed, 2 * scratch.count)) }
    let utcSeconds = seconds.map(utc)
    try scratch.withUnsafeMutableBufferPointer { buffer in
      let count =
        if let columns {
          FlatRecord.write(line, utcSeconds: utcSeconds, to: buffer.baseAddress!) { columns.keeps($0) }
        } else {
          FlatRecord.write(line, utcSeconds: utcSeconds, to: buffer.baseAddress!)
        }
      try writer.append(
        UnsafeRawBufferPointer(start: buffer.baseAddress!, count: count), day: day, time: seconds)
    }
  }

  static let maxAbsoluteTime: UInt64 = 100_000_000_000_000

  /// Records the dedupe key (event, distinct_id, time, $insert_id) of a line in its day's set.
  /// A line without `$insert_id` is never a repeat: Mixpanel deduplicates only by it.
  private func firstSighting(_ line: UnsafeRawBufferPointer, _ fields: EventFields, day: Day) -> Bool {
    guard fields.insertID != nil else { return true }
    let key = DedupeKey(line, fields)
    return seen![day.daysSinceEpoch, default: []].insert(key).inserted
  }

  /// True UTC seconds for an exported time (legacy projects export local wall-clock time).
  private func utc(_ seconds: Int64) -> Int64 {
    guard let zone = legacyZone else { return seconds }
    let hour = seconds >= 0 ? seconds / 3600 : (seconds - 3599) / 3600
    if let offset = offsets[hour] { return seconds - offset }
    // The offset in force at that local time: look it up at the approximate instant, then again.
    let first = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
    let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds - first))))
    offsets[hour] = offset
    return seconds - offset
  }

  /// Whether `line` holds `marker` (a byte search; only lines that are not events are searched).
  static func contains(_ line: UnsafeRawBufferPointer, _ marker: StaticString) -> Bool {
    let needle = UnsafeRawBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
    guard needle.count <= line.count else { return false }
    for start in 0...(line.count - needle.count)
    where memcmp(line.baseAddress! + start, needle.baseAddress!, needle.count) == 0 {
      return true
    }
    return false
  }

  /// The start of a bad line, for the error message (Mixpanel's `terminated early` shows here),
  /// with control characters escaped (`\u001b`): a server's bytes never drive the terminal.
  static func preview(_ line: UnsafeRawBufferPointer) -> String {
    let text = ServerText.escapingControls(String(decoding: line.prefix(60), as: UTF8.self))
    return line.count > 60 ? text + "…" : text
  }

  /// The server's message when `line` is an error object (`error`, else `message`), escaped.
  static func errorText(_ line: UnsafeRawBufferPointer) -> String? {
    guard line.count <= 64 << 10,
      let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
    else { return nil }
    guard let text = (object["error"] as? String) ?? (object["message"] as? String) else { return nil }
    return ServerText.escapingControls(String(text.prefix(300)))
  }
}

/// 128 bits of hash over (event, distinct_id, time, $insert_id): 16 bytes per distinct event
/// per day in memory (about 50 MB for a million events a day, with the set's overhead).
struct DedupeKey: Hashable {
  let high: Int
  let low: Int

  init(_ line: UnsafeRawBufferPointer, _ fields: EventFields) {
    var a = Hasher()
    var b = Hasher()
    a.combine(0x5EED_0001)
    b.combine(0x5EED_0002)
    // Three fields, combined one by one: no array per line on the hot path.
    func add(_ range: Range<Int>?) {
      let bytes =
        range.map { UnsafeRawBufferPointer(rebasing: line[$0]) }
        ?? UnsafeRawBufferPointer(start: nil, count: 0)
      a.combine(bytes: bytes)
      b.combine(bytes: bytes)
      a.combine(bytes.count)
      b.combine(bytes.count)
    }
    add(fields.event)
    add(fields.distinctID)
    add(fields.insertID)
    a.combine(fields.time)
    b.combine(fields.time)
    high = a.finalize()
    low = b.finalize()
  }
}
