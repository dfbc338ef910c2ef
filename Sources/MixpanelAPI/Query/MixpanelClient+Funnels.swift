public import CalendarDay

/// The Query API calls of the incremental-by-day streams: saved funnels (mixpanel-api.md §8) and
/// legacy revenue (§9). Days are project-timezone days; non-2xx answers throw
/// ``MixpanelAPIError`` like every other call.
extension MixpanelClient {
  /// `GET /api/query/funnels/list`: the saved funnels, as sent (`funnel_id`, `name`).
  public func funnelList() async throws -> [JSONNode] {
    let context = "funnels/list"
    let body = try await queryJSON(
      .GET, path: "/api/query/funnels/list", query: [], form: nil, context: context)
    guard let funnels = body.arrayValue else { throw Self.unexpectedBody(context, "not a JSON array") }
    return funnels
  }

  /// `GET /api/query/funnels?funnel_id=…&unit=day`: the funnel's `data` object, one member per
  /// day (`{"steps": [...], "analysis": {...}}`), as sent.
  ///
  /// - Parameter funnelID: the `funnel_id` as listed (its JSON number text).
  public func funnel(id funnelID: String, from: Day, to: Day) async throws -> [(key: String, value: JSONNode)]
  {
    let context = "funnels \(funnelID) \(from)..\(to)"
    let body = try await queryJSON(
      .GET, path: "/api/query/funnels",
      query: [("funnel_id", funnelID), ("from_date", "\(from)"), ("to_date", "\(to)"), ("unit", "day")],
      form: nil, context: context)
    guard let data = body["data"]?.objectValue else { throw Self.unexpectedBody(context, "no 'data' object") }
    return data
  }

  /// `GET /api/2.0/engage/revenue?unit=day`: the `results` object, one member per day plus the
  /// `$overall` summary, as sent. The endpoint is legacy and may be missing for a project.
  public func revenue(from: Day, to: Day) async throws -> [(key: String, value: JSONNode)] {
    let context = "engage/revenue \(from)..\(to)"
    let body = try await queryJSON(
      .GET, path: "/api/2.0/engage/revenue",
      query: [("from_date", "\(from)"), ("to_date", "\(to)"), ("unit", "day")], form: nil, context: context)
    guard let results = body["results"]?.objectValue else {
      throw Self.unexpectedBody(context, "no 'results' object")
    }
    return results
  }
}
