extension FakeProject {
  /// What one day serves at a given `now`, per event name.
  struct DayCensus {
    /// Lines served (duplicates included), per index of `EventGenerator.eventNames`.
    var rowsByName: [Int]
    /// Lines served without the repeated copies of duplicated events.
    var uniqueRowsByName: [Int]
    /// Distinct `distinct_id`s among the served lines, per name.
    var usersByName: [Set<Int>]

    var rows: Int { self.rowsByName.reduce(0, +) }
    var uniqueRows: Int { self.uniqueRowsByName.reduce(0, +) }
  }

  /// Number of events the export returns for `day` with no filter, at the current `now`
  /// (duplicated lines count twice).
  public func eventCount(on day: FakeDay) -> Int {
    self.rowCounts(on: day, nowMs: self.nowMs).rows
  }

  /// Per-event-name counts for `day` as the export serves them at the current `now` (names
  /// with zero events are left out).
  public func eventCountsByName(on day: FakeDay) -> [String: Int] {
    let census = self.census(on: day, nowMs: self.nowMs, users: false)
    var counts: [String: Int] = [:]
    for (index, count) in census.rowsByName.enumerated() where count > 0 {
      counts[EventGenerator.eventNames[index]] = count
    }
    return counts
  }

  /// Exact per-day counts the export endpoint returns for the inclusive range at the current
  /// `now`, with no filter.
  public func truth(from: FakeDay, to: FakeDay) -> FakeTruth {
    self.truth(from: from, to: to, now: self.now)
  }

  /// Exact per-day counts the export endpoint returns for the inclusive range when the
  /// project's `now` is `now` (epoch seconds; nil: everything).
  public func truth(from: FakeDay, to: FakeDay, now: Int64?) -> FakeTruth {
    guard from <= to else { return FakeTruth(days: []) }
    let nowMs = now.map { $0 * 1_000 }
    return FakeTruth(
      days: (from...to).map { day in
        let counts = self.rowCounts(on: day, nowMs: nowMs)
        return FakeTruth.DayCount(day: day, count: counts.rows, uniqueRows: counts.uniqueRows)
      })
  }

  /// Rows and unique rows served on `day` at `nowMs`; cheap when nothing is cut off.
  func rowCounts(on day: FakeDay, nowMs: Int64?) -> (rows: Int, uniqueRows: Int) {
    guard self.dataDays.contains(day) else { return (0, 0) }
    let complete =
      nowMs.map { $0 >= (day.startEpochSeconds + 86_400) * 1_000 + EventGenerator.maximumProcessingLagMs }
      ?? true
    if complete && self.generator.duplicateShare == 0 {
      let count = self.generator.eventCount(on: day)
      return (count, count)
    }
    let census = self.census(on: day, nowMs: nowMs, users: false)
    return (census.rows, census.uniqueRows)
  }

  /// Counts the lines `day` serves at `nowMs` without rendering them.
  func census(on day: FakeDay, nowMs: Int64?, users: Bool) -> DayCensus {
    let names = EventGenerator.eventNames.count
    var census = DayCensus(
      rowsByName: Array(repeating: 0, count: names), uniqueRowsByName: Array(repeating: 0, count: names),
      usersByName: Array(repeating: [], count: users ? names : 0))
    guard self.dataDays.contains(day) else { return census }
    self.generator.forEachLine(on: day) { head, duplicate in
      if let nowMs, head.processingMs > nowMs { return }
      census.rowsByName[head.nameIndex] += 1
      if !duplicate { census.uniqueRowsByName[head.nameIndex] += 1 }
      if users { census.usersByName[head.nameIndex].insert(head.distinctID) }
    }
    return census
  }
}
