import NIOCore

/// Generates a project's events. Every value is a pure function of (seed, day, index).
struct EventGenerator: Sendable {
  let seed: UInt64
  let eventsPerDay: Int

  static let eventNames: [String] = [
    "Signed Up", "Logged In", "Page Viewed", "Search", "Added To Cart", "Purchase",
    "Shared \"Link\"", "Café Visit ☕",
  ]
  private static let quotedNames: [[UInt8]] = eventNames.map(JSONByteWriter.quoted)
  private static let endpoints = ["api.mixpanel.com", "api-js.mixpanel.com", "api-eu.mixpanel.com"]
    .map(JSONByteWriter.quoted)
  private static let libraries = ["web", "android", "iphone", "python", "node"]
    .map(JSONByteWriter.quoted)

  /// Number of events on `day`: within ±20% of `eventsPerDay`, at least 1 when it is positive.
  func eventCount(on day: FakeDay) -> Int {
    guard self.eventsPerDay > 0 else { return 0 }
    var rng = SplitMix64(self.seed, UInt64(bitPattern: Int64(day.daysSinceEpoch)), 0xC0_0A7)
    let factor = 0.8 + 0.4 * rng.unit()
    return max(1, Int((Double(self.eventsPerDay) * factor).rounded()))
  }

  private func generator(day: FakeDay, index: Int) -> SplitMix64 {
    SplitMix64(self.seed, UInt64(bitPattern: Int64(day.daysSinceEpoch)), UInt64(index))
  }

  /// Index into `eventNames` of event `index` on `day` (cheap: no rendering).
  func eventNameIndex(day: FakeDay, index: Int) -> Int {
    var rng = self.generator(day: day, index: index)
    return rng.below(Self.eventNames.count)
  }

  /// Renders all events of `day` as JSONL.
  func render(day: FakeDay, timeInMs: Bool) -> RenderedDay {
    let count = self.eventCount(on: day)
    var out = JSONByteWriter(capacity: count * 1_100)
    var lineEnds: [Int] = []
    lineEnds.reserveCapacity(count)
    var names: [UInt8] = []
    names.reserveCapacity(count)
    let seedMask = SplitMix64.mix(self.seed ^ 0x1D5E_47ED)
    for index in 0..<count {
      var rng = self.generator(day: day, index: index)
      let nameIndex = rng.below(Self.eventNames.count)
      names.append(UInt8(nameIndex))
      let timeMs = day.startEpochSeconds * 1_000 + Int64(rng.below(86_400_000))

      out.ascii("{\"event\":")
      out.raw(Self.quotedNames[nameIndex])
      out.ascii(",\"properties\":{\"time\":")
      out.int(timeInMs ? timeMs : timeMs / 1_000)
      out.ascii(",\"distinct_id\":\"user_")
      out.int(10_000 + rng.below(90_000))
      out.ascii("\",\"$insert_id\":\"")
      // The first 16 hex digits are a bijection of (day, index), so ids never collide.
      let packed = UInt64(UInt32(truncatingIfNeeded: day.daysSinceEpoch)) << 32 | UInt64(index)
      let unique = SplitMix64.mix(packed ^ seedMask)
      out.hex(unique, digits: 16)
      out.hex(SplitMix64.mix(unique), digits: 16)
      out.ascii("\",\"$mp_api_endpoint\":")
      out.raw(Self.endpoints[rng.below(Self.endpoints.count)])
      out.ascii(",\"$mp_api_timestamp_ms\":")
      let apiMs = timeMs + 20 + Int64(rng.below(2_000))
      out.int(apiMs)
      out.ascii(",\"mp_processing_time_ms\":")
      out.int(apiMs + 100 + Int64(rng.below(60_000)))
      out.ascii(",\"mp_lib\":")
      out.raw(Self.libraries[rng.below(Self.libraries.count)])

      let propertyCount = 15 + rng.below(16)
      let start = rng.below(PropertyPool.count)
      for offset in 0..<propertyCount {
        out.byte(UInt8(ascii: ","))
        PropertyPool.render(
          (start + offset) % PropertyPool.count, into: &out, random: &rng, timeMs: timeMs)
      }
      out.ascii("}}\n")
      lineEnds.append(out.bytes.count)
    }
    return RenderedDay(
      day: day, buffer: ByteBuffer(bytes: out.bytes), lineEnds: lineEnds, nameIndexes: names)
  }
}
