extension FakeProject {
  /// Revenue on `day` (§9): a pure function of (seed, day, today). `count` grows by one profile
  /// a day; about one data day in eight has no payment; the last four days up to `today` are
  /// still collecting payments (their amounts grow as `today` moves on).
  public func revenueDay(_ day: FakeDay) -> FakeRevenueDay {
    // One more profile a day since 2022-01-08 (day 19,000), whatever the project's `today`.
    let count = self.dataDays.contains(day) ? 1_000 + max(0, day.daysSinceEpoch - 19_000) : 0
    var rng = SplitMix64(self.seed, 0x2E7E_0E, UInt64(bitPattern: Int64(day.daysSinceEpoch)))
    guard self.dataDays.contains(day), day <= self.today, !rng.chance(1.0 / 8) else {
      return FakeRevenueDay(day: day, amountCents: 0, count: count, paidCount: 0)
    }
    let maturity = min(1, Double(day.distance(to: self.today) + 1) / 4)
    let paid = Int(Double(1 + rng.below(40)) * maturity)
    var cents = 0
    for _ in 0..<paid { cents += 199 + rng.below(19_800) }
    return FakeRevenueDay(day: day, amountCents: cents, count: count, paidCount: paid)
  }

  /// Truth for the `revenue` stream: one entry per day of `from`…`to` (inclusive), in order.
  public func revenueRows(from: FakeDay, to: FakeDay) -> [FakeRevenueDay] {
    guard from <= to else { return [] }
    return (from...to).map(self.revenueDay)
  }

  /// The HTTP status `engage/revenue` answers with instead of data (nil: it works). Mixpanel
  /// treats the endpoint as legacy; some projects and plans do not have it.
  public var revenueUnavailableStatus: Int? {
    unavailableStatus(.revenue)
  }

  /// Makes `engage/revenue` answer `status` (e.g. 402, 404, 500) with a Query API error body,
  /// or work again with nil. Takes effect for requests that arrive afterwards.
  public func setRevenueUnavailable(status: Int? = 402) {
    setUnavailable(.revenue, status: status)
  }
}
