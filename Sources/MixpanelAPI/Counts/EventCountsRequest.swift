public import CalendarDay

/// `GET /api/query/events` with `type=general&unit=day` (mixpanel-api.md §10.7.1): Mixpanel's
/// total count per event name per project-timezone day, repeats included, exact duplicates
/// counted once.
public struct EventCountsRequest: Sendable, Equatable {
  /// Exact raw event names (case-sensitive); sent as one JSON array.
  public var names: [String]
  /// First and last project-timezone day, inclusive.
  public var fromDate: Day
  public var toDate: Day

  public init(names: [String], fromDate: Day, toDate: Day) {
    precondition(fromDate <= toDate, "fromDate must not be after toDate")
    self.names = names
    self.fromDate = fromDate
    self.toDate = toDate
  }

  /// Query parameters, `project_id` excluded (the client adds it).
  var queryItems: [(String, String)] {
    var event: [UInt8] = []
    JSONNode.array(names.map(JSONNode.string)).write(into: &event)
    return [
      ("event", String(decoding: event, as: UTF8.self)), ("type", "general"), ("unit", "day"),
      ("from_date", "\(fromDate)"), ("to_date", "\(toDate)"),
    ]
  }

  /// What the request was, for error messages: never a credential.
  var context: String {
    "events counts \(fromDate)..\(toDate) (\(names.count) names)"
  }
}
