import NIOCore

/// Generates a project's events. Every value is a pure function of (seed, day, index).
///
/// Late arrivals and duplicates draw from their own random streams, so switching them off
/// leaves every other byte exactly as it was.
struct EventGenerator: Sendable {
  let seed: UInt64
  let eventsPerDay: Int
  /// Share of events whose processing time is 1–4 days after their `time` (0 = none).
  let lateShare: Double
  /// Share of events served twice in their day body (0 = none).
  let duplicateShare: Double

  init(seed: UInt64, eventsPerDay: Int, lateShare: Double = 0, duplicateShare: Double = 0) {
    self.seed = seed
    self.eventsPerDay = eventsPerDay
    self.lateShare = min(1, max(0, lateShare))
    self.duplicateShare = min(1, max(0, duplicateShare))
  }

  static let eventNames: [String] = [
    "Signed Up", "Logged In", "Page Viewed", "Search", "Added To Cart", "Purchase",
    "Shared \"Link\"", "Café Visit ☕",
  ]
  private static let quotedNames: [[UInt8]] = eventNames.map(JSONByteWriter.quoted)
  private static let endpoints = ["api.mixpanel.com", "api-js.mixpanel.com", "api-eu.mixpanel.com"]
    .map(JSONByteWriter.quoted)
  private static let libraries = ["web", "android", "iphone", "python", "node"]
    .map(JSONByteWriter.quoted)

  /// The longest possible gap between an event's day end and its processing time, in ms
  /// (4 days of lateness plus ingestion jitter), rounded up to 5 days.
  static let maximumProcessingLagMs: Int64 = 5 * 86_400_000

  /// The leading fields of one event, drawn in the order the renderer writes them.
  struct Head {
    var nameIndex: Int
    var timeMs: Int64
    var distinctID: Int
    var endpointIndex: Int
    var apiMs: Int64
    var processingMs: Int64
  }

  /// Number of events on `day`: within ±20% of `eventsPerDay`, at least 1 when it is positive.
  /// Duplicates are not included.
  func eventCount(on day: FakeDay) -> Int {
    guard self.eventsPerDay > 0 else { return 0 }
    var rng = SplitMix64(self.seed, UInt64(bitPattern: Int64(day.daysSinceEpoch)), 0xC0_0A7)
    let factor = 0.8 + 0.4 * rng.unit()
    return max(1, Int((Double(self.eventsPerDay) * factor).rounded()))
  }

  private func generator(day: FakeDay, index: Int) -> SplitMix64 {
    SplitMix64(self.seed, UInt64(bitPattern: Int64(day.daysSinceEpoch)), UInt64(index))
  }

  /// Extra delay of a late event (1–4 days, minus ingestion jitter), or 0.
  func lateDelayMs(day: FakeDay, index: Int) -> Int64 {
    guard self.lateShare > 0 else { return 0 }
    var rng = SplitMix64(self.seed, UInt64(bitPattern: Int64(day.daysSinceEpoch)), UInt64(index), 0x1A7E)
    guard rng.chance(self.lateShare) else { return 0 }
    return 86_400_000 + Int64(rng.below(3 * 86_400_000 - 62_200))
  }

  /// Whether event `index` on `day` is served twice.
  func isDuplicated(day: FakeDay, index: Int) -> Bool {
    guard self.duplicateShare > 0 else { return false }
    var rng = SplitMix64(self.seed, UInt64(bitPattern: Int64(day.daysSinceEpoch)), UInt64(index), 0xD0_0B1E)
    return rng.chance(self.duplicateShare)
  }

  /// Draws the head of event `index` on `day`; `rng` is left where the renderer continues.
  func head(day: FakeDay, index: Int, rng: inout SplitMix64) -> Head {
    rng = self.generator(day: day, index: index)
    let nameIndex = rng.below(Self.eventNames.count)
    let timeMs = day.startEpochSeconds * 1_000 + Int64(rng.below(86_400_000))
    let distinctID = 10_000 + rng.below(90_000)
    let endpointIndex = rng.below(Self.endpoints.count)
    let apiMs = timeMs + self.lateDelayMs(day: day, index: index) + 20 + Int64(rng.below(2_000))
    let processingMs = apiMs + 100 + Int64(rng.below(60_000))
    return Head(
      nameIndex: nameIndex, timeMs: timeMs, distinctID: distinctID, endpointIndex: endpointIndex,
      apiMs: apiMs, processingMs: processingMs)
  }

  /// Calls `body` once per served line of `day` (duplicates included, with `duplicate: true`),
  /// without rendering.
  func forEachLine(on day: FakeDay, _ body: (_ head: Head, _ duplicate: Bool) -> Void) {
    var rng = SplitMix64(seed: 0)
    var duplicates: [Head] = []
    for index in 0..<self.eventCount(on: day) {
      let head = self.head(day: day, index: index, rng: &rng)
      body(head, false)
      if self.isDuplicated(day: day, index: index) { duplicates.append(head) }
    }
    for head in duplicates { body(head, true) }
  }

  /// Renders all events of `day` as JSONL; duplicated events are repeated, byte for byte, after
  /// the last original line.
  func render(day: FakeDay, timeInMs: Bool) -> RenderedDay {
    let count = self.eventCount(on: day)
    var out = JSONByteWriter(capacity: count * 1_100)
    var lineEnds: [Int] = []
    lineEnds.reserveCapacity(count)
    var names: [UInt8] = []
    names.reserveCapacity(count)
    var processing: [Int64] = []
    processing.reserveCapacity(count)
    var duplicated: [Int] = []
    let seedMask = SplitMix64.mix(self.seed ^ 0x1D5E_47ED)
    var rng = SplitMix64(seed: 0)
    for index in 0..<count {
      let head = self.head(day: day, index: index, rng: &rng)
      names.append(UInt8(head.nameIndex))
      processing.append(head.processingMs)
      if self.isDuplicated(day: day, index: index) { duplicated.append(index) }

      out.ascii("{\"event\":")
      out.raw(Self.quotedNames[head.nameIndex])
      out.ascii(",\"properties\":{\"time\":")
      out.int(timeInMs ? head.timeMs : head.timeMs / 1_000)
      out.ascii(",\"distinct_id\":\"user_")
      out.int(head.distinctID)
      out.ascii("\",\"$insert_id\":\"")
      // The first 16 hex digits are a bijection of (day, index), so ids never collide.
      let packed = UInt64(UInt32(truncatingIfNeeded: day.daysSinceEpoch)) << 32 | UInt64(index)
      let unique = SplitMix64.mix(packed ^ seedMask)
      out.hex(unique, digits: 16)
      out.hex(SplitMix64.mix(unique), digits: 16)
      out.ascii("\",\"$mp_api_endpoint\":")
      out.raw(Self.endpoints[head.endpointIndex])
      out.ascii(",\"$mp_api_timestamp_ms\":")
      out.int(head.apiMs)
      out.ascii(",\"mp_processing_time_ms\":")
      out.int(head.processingMs)
      out.ascii(",\"mp_lib\":")
      out.raw(Self.libraries[rng.below(Self.libraries.count)])

      let propertyCount = 15 + rng.below(16)
      let start = rng.below(PropertyPool.count)
      for offset in 0..<propertyCount {
        out.byte(UInt8(ascii: ","))
        PropertyPool.render(
          (start + offset) % PropertyPool.count, into: &out, random: &rng, timeMs: head.timeMs)
      }
      out.ascii("}}\n")
      lineEnds.append(out.bytes.count)
    }
    for index in duplicated {
      let start = index == 0 ? 0 : lineEnds[index - 1]
      out.bytes.append(contentsOf: out.bytes[start..<lineEnds[index]])
      lineEnds.append(out.bytes.count)
      names.append(names[index])
      processing.append(processing[index])
    }
    return RenderedDay(
      day: day, buffer: ByteBuffer(bytes: out.bytes), lineEnds: lineEnds, nameIndexes: names,
      processingTimesMs: processing, uniqueLineCount: count)
  }
}
