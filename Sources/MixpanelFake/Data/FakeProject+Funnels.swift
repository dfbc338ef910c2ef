extension FakeProject {
  /// The project's saved funnels (§8.1): three, with ids and steps derived from the seed.
  public var funnels: [FakeFunnel] {
    let base = 7_000 + Int(self.seed % 997) * 3
    let names = EventGenerator.eventNames
    return [
      FakeFunnel(
        id: base, name: "Signup funnel",
        steps: [.init(names[2]), .init(names[0]), .init(customEventID: 12_345, label: "Activated")]),
      FakeFunnel(
        id: base + 2_017, name: "Checkout funnel",
        steps: [.init(names[3]), .init(names[4]), .init(names[5])]),
      FakeFunnel(
        id: base + 4_099, name: "Sharing \"loop\" ☕",
        steps: [.init(names[1]), .init(names[6]), .init(names[7]), .init(names[5])]),
    ]
  }

  /// The funnel with `id`, if the project has one.
  public func funnel(id: Int) -> FakeFunnel? {
    self.funnels.first { $0.id == id }
  }

  /// A funnel's numbers on `day`: a pure function of (seed, funnel, day, today). Days without
  /// data, and about one data day in twelve, have nobody in the funnel. The last four days up
  /// to `today` are still converting: their later steps grow as `today` moves on, which is why
  /// the exporter re-reads its attribution window.
  public func funnelDay(_ funnel: FakeFunnel, on day: FakeDay) -> FakeFunnelDay {
    let stepCount = funnel.steps.count
    var rng = SplitMix64(
      self.seed, 0xF0_11E1, UInt64(funnel.id), UInt64(bitPattern: Int64(day.daysSinceEpoch)))
    guard self.dataDays.contains(day), day <= self.today, !rng.chance(1.0 / 12) else {
      return FakeFunnelDay(
        funnelID: funnel.id, day: day, counts: Array(repeating: 0, count: stepCount),
        averageTimes: Array(repeating: nil, count: stepCount))
    }
    let maturity = min(1, Double(day.distance(to: self.today) + 1) / 4)
    var counts = [200 + rng.below(3_000)]
    var times: [Int?] = [nil]
    for _ in 1..<stepCount {
      counts.append(Int(Double(counts[counts.count - 1]) * (0.2 + 0.6 * rng.unit())))
      times.append(60 + rng.below(900))
    }
    for index in 1..<stepCount {
      counts[index] = min(counts[index - 1], Int(Double(counts[index]) * maturity))
      if counts[index] == 0 { times[index] = nil }
    }
    return FakeFunnelDay(funnelID: funnel.id, day: day, counts: counts, averageTimes: times)
  }

  /// Truth for the `funnels` stream: one entry per saved funnel per day of `from`…`to`
  /// (inclusive), by funnel (in list order), then by day.
  public func funnelRows(from: FakeDay, to: FakeDay) -> [FakeFunnelDay] {
    guard from <= to else { return [] }
    return self.funnels.flatMap { funnel in (from...to).map { self.funnelDay(funnel, on: $0) } }
  }
}
