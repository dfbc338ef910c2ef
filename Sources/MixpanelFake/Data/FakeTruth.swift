/// What the export endpoint returns per day for a range: the ground truth tests compare with.
public struct FakeTruth: Sendable, Hashable {
  public struct DayCount: Sendable, Hashable {
    public let day: FakeDay
    /// Lines served, exact duplicates included.
    public let count: Int
    /// Lines served, counting each duplicated event once.
    public let uniqueRows: Int

    public init(day: FakeDay, count: Int) {
      self.init(day: day, count: count, uniqueRows: count)
    }

    public init(day: FakeDay, count: Int, uniqueRows: Int) {
      self.day = day
      self.count = count
      self.uniqueRows = uniqueRows
    }

    /// Same as `count`.
    public var rows: Int { self.count }
  }

  /// One entry per day of the range, in day order (days without events have count 0).
  public let days: [DayCount]

  public init(days: [DayCount]) {
    self.days = days
  }

  public var total: Int {
    self.days.reduce(0) { $0 + $1.count }
  }

  /// Total of `uniqueRows` over all days.
  public var uniqueTotal: Int {
    self.days.reduce(0) { $0 + $1.uniqueRows }
  }

  public func count(on day: FakeDay) -> Int {
    self.days.first { $0.day == day }?.count ?? 0
  }

  public func uniqueRows(on day: FakeDay) -> Int {
    self.days.first { $0.day == day }?.uniqueRows ?? 0
  }

  /// `{"2024-06-01": 2013, ...}` ordered by day, one entry per line.
  public var json: String {
    guard !self.days.isEmpty else { return "{}" }
    let entries = self.days.map { "  \"\($0.day)\": \($0.count)" }
    return "{\n" + entries.joined(separator: ",\n") + "\n}"
  }

  /// `{"2024-06-01": {"rows": 2013, "uniqueRows": 2001}, ...}` ordered by day, one entry per line.
  public var detailedJSON: String {
    guard !self.days.isEmpty else { return "{}" }
    let entries = self.days.map {
      "  \"\($0.day)\": {\"rows\": \($0.count), \"uniqueRows\": \($0.uniqueRows)}"
    }
    return "{\n" + entries.joined(separator: ",\n") + "\n}"
  }
}
