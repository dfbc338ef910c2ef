/// The property-discovery calls (mixpanel-api.md §10.2, §10.4) connectors build dynamic schemas
/// from. Non-2xx answers throw ``MixpanelAPIError`` like every other Query call.
extension MixpanelClient {
  /// One discovered property: its name as Mixpanel sends it, how often it was seen (nil when the
  /// server sent `{}`), and its type for profile properties (nil for event properties, which
  /// come untyped).
  public struct DiscoveredProperty: Sendable, Equatable {
    public var name: String
    public var count: Int?
    public var type: String?

    public init(name: String, count: Int?, type: String?) {
      self.name = name
      self.count = count
      self.type = type
    }
  }

  /// `GET /api/query/events/properties/top`: the top properties of `event`, or of all events
  /// when nil (as tap-mixpanel and Airbyte call it), in the order sent.
  public func topEventProperties(event: String? = nil, limit: Int = 2_000) async throws
    -> [DiscoveredProperty]
  {
    let context = "events/properties/top" + (event.map { " of \($0)" } ?? "")
    var query: [(String, String)] = []
    if let event { query.append(("event", event)) }
    query.append(("limit", String(limit)))
    let body = try await queryJSON(
      .GET, path: "/api/query/events/properties/top", query: query, form: nil, context: context)
    guard let members = body.objectValue else { throw Self.unexpectedBody(context, "not a JSON object") }
    return members.map { DiscoveredProperty(name: $0.key, count: Self.count($0.value["count"]), type: nil) }
  }

  /// `GET /api/query/engage/properties`: the profile properties with their counts and types.
  public func engageProperties(limit: Int = 2_000) async throws -> [DiscoveredProperty] {
    let context = "engage/properties"
    let body = try await queryJSON(
      .GET, path: "/api/query/engage/properties", query: [("limit", String(limit))], form: nil,
      context: context)
    guard let members = body["results"]?.objectValue else {
      throw Self.unexpectedBody(context, "no 'results' object")
    }
    return members.map {
      DiscoveredProperty(
        name: $0.key, count: Self.count($0.value["count"]), type: $0.value["type"]?.stringValue)
    }
  }

  private static func count(_ node: JSONNode?) -> Int? {
    guard case .number(let text)? = node else { return nil }
    return Int(text) ?? Double(text).flatMap { Int(exactly: $0.rounded()) }
  }
}
