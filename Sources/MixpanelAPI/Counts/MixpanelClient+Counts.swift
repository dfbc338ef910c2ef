public import CalendarDay
import NIOHTTP1

/// The Query API calls that reconcile a lake with Mixpanel (mixpanel-api.md §10.1, §10.7).
/// Each call is one Query API request: callers pace them with the Query rate limiter.
extension MixpanelClient {
  /// `GET /api/query/events`: counts per name per day for `request.names`.
  public func eventCounts(_ request: EventCountsRequest) async throws -> EventCounts {
    let context = request.context
    let body = try await queryJSON(
      .GET, path: "/api/query/events", query: request.queryItems, form: nil, context: context)
    guard let counts = EventCounts.decode(body) else {
      throw Self.unexpectedBody(context, "no data.values object of day counts")
    }
    return counts
  }

  /// `GET /api/query/events/names`: the most common event names of `from...to` (§10.1). Not a
  /// complete list: at most `limit` names (Mixpanel caps it near 5000).
  public func eventNames(from: Day, to: Day, limit: Int = 255) async throws -> [String] {
    let context = "events/names \(from)..\(to)"
    let body = try await queryJSON(
      .GET, path: "/api/query/events/names",
      query: [("type", "general"), ("limit", String(limit)), ("from_date", "\(from)"), ("to_date", "\(to)")],
      form: nil, context: context)
    guard let items = body.arrayValue else { throw Self.unexpectedBody(context, "not a JSON array") }
    return items.compactMap(\.stringValue)
  }
}
