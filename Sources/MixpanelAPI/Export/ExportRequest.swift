public import CalendarDay

/// One call of the raw export API: an inclusive range of days and its filters (§4.1).
public struct ExportRequest: Sendable, Equatable {
  public var fromDate: Day
  public var toDate: Day
  /// Event names to keep (the `event` JSON array); nil for all.
  public var events: [String]?
  /// A segmentation expression (`where`).
  public var whereExpression: String?
  /// Ask for `time` in milliseconds.
  public var timeInMilliseconds: Bool
  public var limit: Int?

  public init(
    fromDate: Day, toDate: Day, events: [String]? = nil, whereExpression: String? = nil,
    timeInMilliseconds: Bool = false, limit: Int? = nil
  ) {
    self.fromDate = fromDate
    self.toDate = toDate
    self.events = events
    self.whereExpression = whereExpression
    self.timeInMilliseconds = timeInMilliseconds
    self.limit = limit
  }

  /// Query parameters, in a stable order.
  var queryItems: [(String, String)] {
    var items = [("from_date", fromDate.description), ("to_date", toDate.description)]
    if let events, !events.isEmpty { items.append(("event", JSONStringArray.encode(events))) }
    if let whereExpression { items.append(("where", whereExpression)) }
    if timeInMilliseconds { items.append(("time_in_ms", "true")) }
    if let limit { items.append(("limit", String(limit))) }
    return items
  }
}
