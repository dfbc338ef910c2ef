/// What the export endpoint returns per day for a range: the ground truth tests compare with.
public struct FakeTruth: Sendable, Hashable {
  public struct DayCount: Sendable, Hashable {
    public let day: FakeDay
    public let count: Int

    public init(day: FakeDay, count: Int) {
      self.day = day
      self.count = count
    }
  }

  /// One entry per day of the range, in day order (days without events have count 0).
  public let days: [DayCount]

  public init(days: [DayCount]) {
    self.days = days
  }

  public var total: Int {
    self.days.reduce(0) { $0 + $1.count }
  }

  public func count(on day: FakeDay) -> Int {
    self.days.first { $0.day == day }?.count ?? 0
  }

  /// `{"2024-06-01": 2013, ...}` ordered by day, one entry per line.
  public var json: String {
    guard !self.days.isEmpty else { return "{}" }
    let entries = self.days.map { "  \"\($0.day)\": \($0.count)" }
    return "{\n" + entries.joined(separator: ",\n") + "\n}"
  }
}
