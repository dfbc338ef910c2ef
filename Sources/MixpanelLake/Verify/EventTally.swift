import CalendarDay
import MixpanelAPI
import NDJSON

/// Rows and distinct rows per (project-timezone day, event name) of the export stream, counted
/// while `verify` reads the part files (mixpanel-api.md §10.7.5 step 2).
///
/// A row is distinct by (`event`, `distinct_id`, `time`, `$insert_id`), as Mixpanel's
/// query-time deduplication sees it; rows without `$insert_id` are never duplicates. Exact
/// duplicates share `time`, so they always land in the same partition: the set of seen rows
/// holds one partition at a time (a 64-bit fingerprint per row) and is cleared between them.
struct EventTally {
  struct Count: Sendable, Equatable {
    var rows = 0
    var distinct = 0
  }

  /// Raw event-name bytes (JSON string, quotes included) by index.
  private var nameBytes: [[UInt8]] = []
  private var nameIndex: [Int: [Int]] = [:]
  /// Day → name index → counts.
  private(set) var days: [Day: [Int: Count]] = [:]
  private var seen: Set<Int> = []
  private var mapper: QueryDayMapper

  init(mapper: QueryDayMapper) {
    self.mapper = mapper
  }

  /// Call before the rows of each partition.
  mutating func startPartition() {
    seen.removeAll(keepingCapacity: true)
  }

  /// Counts one line of the partition of `partitionDay`; the same scan notes its types in
  /// `types` when given (the schema check).
  mutating func add(_ line: UnsafeRawBufferPointer, partitionDay: Day, types: PropertyTypeTally? = nil) {
    guard let fields = try? JSONLineScanner.scan(line, tally: types) else {
      record(day: partitionDay, name: -1, distinct: true)
      return
    }
    let name = fields.event.map { index(of: UnsafeRawBufferPointer(rebasing: line[$0])) } ?? -1
    let day = mapper.day(time: fields.time, partitionDay: partitionDay)
    var distinct = true
    if let insertID = fields.insertID {
      var hasher = Hasher()
      hasher.combine(name)
      hasher.combine(fields.time)
      Self.combine(fields.distinctID.map { UnsafeRawBufferPointer(rebasing: line[$0]) }, into: &hasher)
      Self.combine(UnsafeRawBufferPointer(rebasing: line[insertID]), into: &hasher)
      distinct = seen.insert(hasher.finalize()).inserted
    }
    record(day: day, name: name, distinct: distinct)
  }

  /// The decoded event name of index `index` (`""` for rows without one).
  func name(_ index: Int) -> String {
    guard index >= 0 else { return "" }
    guard let node = try? JSONNode(parsing: nameBytes[index]), let text = node.stringValue else {
      return String(decoding: nameBytes[index].dropFirst().dropLast(), as: UTF8.self)
    }
    return text
  }

  /// Day → decoded name → counts.
  func decoded() -> [Day: [String: Count]] {
    days.mapValues { perName in
      var out: [String: Count] = [:]
      for (index, count) in perName {
        out[name(index), default: Count()].rows += count.rows
        out[name(index), default: Count()].distinct += count.distinct
      }
      return out
    }
  }

  private mutating func record(day: Day, name: Int, distinct: Bool) {
    days[day, default: [:]][name, default: Count()].rows += 1
    if distinct { days[day, default: [:]][name, default: Count()].distinct += 1 }
  }

  private mutating func index(of bytes: UnsafeRawBufferPointer) -> Int {
    var hasher = Hasher()
    hasher.combine(bytes: bytes)
    let key = hasher.finalize()
    for candidate in nameIndex[key] ?? [] where nameBytes[candidate].elementsEqual(bytes) {
      return candidate
    }
    nameBytes.append(Array(bytes))
    nameIndex[key, default: []].append(nameBytes.count - 1)
    return nameBytes.count - 1
  }

  private static func combine(_ bytes: UnsafeRawBufferPointer?, into hasher: inout Hasher) {
    guard let bytes else {
      hasher.combine(-1)
      return
    }
    hasher.combine(bytes.count)
    hasher.combine(bytes: bytes)
  }
}
