/// A saved funnel of a fake project (§8.1): an id, a name and its ordered steps.
public struct FakeFunnel: Sendable, Hashable {
  /// One step: an event name, or a custom event (`$custom_event:<id>` with a display label).
  public struct Step: Sendable, Hashable {
    public let event: String
    public let label: String?
    public let customEventID: Int?

    init(_ event: String) {
      self.event = event
      self.label = nil
      self.customEventID = nil
    }

    init(customEventID: Int, label: String) {
      self.event = "$custom_event:\(customEventID)"
      self.label = label
      self.customEventID = customEventID
    }
  }

  public let id: Int
  public let name: String
  public let steps: [Step]
}

/// One funnel on one day, as `GET /api/query/funnels?unit=day` reports it and as the lake stores
/// it: step counts (non-increasing), average times and the `analysis` summary.
public struct FakeFunnelDay: Sendable, Hashable {
  public let funnelID: Int
  public let day: FakeDay
  /// Users reaching each step.
  public let counts: [Int]
  /// Average seconds from the previous step (nil for step 0 and for steps nobody reached).
  public let averageTimes: [Int?]

  /// Average seconds from step 0 (nil for step 0 and for steps nobody reached).
  public var averageTimesFromStart: [Int?] {
    var total = 0
    return self.averageTimes.enumerated().map { index, time in
      guard index > 0, let time else { return nil }
      total += time
      return total
    }
  }

  /// `analysis.completion`: users at the last step.
  public var completion: Int { self.counts.last ?? 0 }
  /// `analysis.starting_amount`: users at step 0.
  public var startingAmount: Int { self.counts.first ?? 0 }
  /// `analysis.worst`: the step losing the most users from its predecessor (0 when nobody started).
  public var worst: Int {
    guard self.startingAmount > 0, self.counts.count > 1 else { return 0 }
    var worst = 1
    for index in 1..<self.counts.count
    where self.counts[index - 1] - self.counts[index] > self.counts[worst - 1] - self.counts[worst] {
      worst = index
    }
    return worst
  }

  /// Conversion from the previous step, rounded to 4 decimals (1 for a started step 0).
  public func stepConversion(_ index: Int) -> Double {
    index == 0
      ? (self.counts[0] > 0 ? 1 : 0) : Self.ratio(self.counts[index], self.counts[index - 1])
  }

  /// Conversion from step 0, rounded to 4 decimals.
  public func overallConversion(_ index: Int) -> Double {
    Self.ratio(self.counts[index], self.counts[0])
  }

  static func ratio(_ part: Int, _ whole: Int) -> Double {
    whole == 0 ? 0 : (Double(part) / Double(whole) * 10_000).rounded() / 10_000
  }

  /// The same funnel over several days (a week or month bucket): counts add up, average times
  /// are weighted by the users reaching each step.
  static func merged(_ days: [FakeFunnelDay], bucket: FakeDay) -> FakeFunnelDay {
    let first = days[0]
    var counts = Array(repeating: 0, count: first.counts.count)
    var weighted = Array(repeating: 0, count: first.counts.count)
    for day in days {
      for index in counts.indices {
        counts[index] += day.counts[index]
        weighted[index] += day.counts[index] * (day.averageTimes[index] ?? 0)
      }
    }
    let times: [Int?] = counts.indices.map { index in
      index == 0 || counts[index] == 0 ? nil : weighted[index] / counts[index]
    }
    return FakeFunnelDay(funnelID: first.funnelID, day: bucket, counts: counts, averageTimes: times)
  }
}

/// The revenue of one day (§9): what `engage/revenue?unit=day` reports and the lake stores.
public struct FakeRevenueDay: Sendable, Hashable {
  public let day: FakeDay
  /// Sum of the day's `$transactions` amounts, in cents (exact; `amount` is this ÷ 100).
  public let amountCents: Int
  /// Profiles considered.
  public let count: Int
  /// Profiles with a payment that day.
  public let paidCount: Int

  public var amount: Double { Double(self.amountCents) / 100 }
}
