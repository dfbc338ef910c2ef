public import CalendarDay

/// The answer of ``EventCountsRequest``: count per event name per day.
///
/// Missing buckets and missing names read as `0` (§10.7.1: buckets without events may be left
/// out); `series` order is not relied on.
public struct EventCounts: Sendable, Equatable {
  /// Event name → day → count, as Mixpanel sent them (zeros included when sent).
  public var values: [String: [Day: Int]]

  public init(values: [String: [Day: Int]] = [:]) {
    self.values = values
  }

  /// The count of `name` on `day`; `0` when Mixpanel left it out.
  public func count(_ name: String, on day: Day) -> Int {
    values[name]?[day] ?? 0
  }

  /// Adds the counts of another batch of names.
  public mutating func merge(_ other: EventCounts) {
    for (name, days) in other.values {
      values[name, default: [:]].merge(days) { $0 + $1 }
    }
  }

  /// Reads `{"data": {"series": [...], "values": {name: {"YYYY-MM-DD": n}}}, "legend_size": n}`;
  /// nil when the body does not have that shape.
  static func decode(_ body: JSONNode) -> EventCounts? {
    guard let members = body["data"]?["values"]?.objectValue else { return nil }
    var values: [String: [Day: Int]] = [:]
    for (name, perDay) in members {
      guard let buckets = perDay.objectValue else { return nil }
      var days: [Day: Int] = [:]
      for (key, value) in buckets {
        guard let day = Day(key) else { return nil }
        guard let count = value.intValue ?? Self.wholeNumber(value) else { return nil }
        days[day, default: 0] += count
      }
      values[name, default: [:]].merge(days) { $0 + $1 }
    }
    return EventCounts(values: values)
  }

  /// A count sent as `12.0`.
  private static func wholeNumber(_ node: JSONNode) -> Int? {
    guard case .number(let text) = node, let value = Double(text), value == value.rounded(),
      abs(value) < 1e15
    else { return nil }
    return Int(value)
  }
}
