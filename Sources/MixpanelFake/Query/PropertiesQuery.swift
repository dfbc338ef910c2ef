import NIOHTTP1

/// `GET /api/query/events/properties/top` (§10.2): the event property names the generator
/// writes, each as `{"count": n}`, most common first, at most `limit` (default 10).
///
/// `count` is the number of events (of `event`, or of all events without it) over the 31 days
/// ending today that are expected to carry the property: the fixed head properties are on every
/// event; each of the ``PropertyPool`` properties is on 22.5 of 32 events on average.
struct EventPropertiesTopQuery: Sendable, Equatable {
  var event: String?
  var limit: Int
  var days: ClosedRange<FakeDay>

  /// The properties every generated event has, besides `time` and `distinct_id`.
  static let headProperties = [
    "time", "distinct_id", "$insert_id", "$mp_api_endpoint", "$mp_api_timestamp_ms", "mp_processing_time_ms",
    "mp_lib",
  ]

  /// The names of ``PropertyPool``'s properties, in its order.
  static let poolProperties = [
    "$os", "$browser", "$browser_version", "$city", "mp_country_code", "$current_url", "plan",
    "seats", "amount", "ratio", "invited", "coupon", "tags", "utm", "big_id", "balance_delta",
    "comment", "control_chars", "emoji", "scores", "matrix", "empty_object", "empty_array",
    "mixed", "$device_id", "$lib_version", "referrer", "notes", "zero", "line_separator",
    "pi", "Ключ с пробелом",
  ]

  static func parse(_ parameters: QueryParameters, today: FakeDay) -> Result<
    EventPropertiesTopQuery, RequestError
  > {
    let limit: Int
    switch parameters.integer("limit", in: 1...Int.max, default: 10) {
    case .failure(let error): return .failure(error)
    case .success(let value): limit = value
    }
    return .success(
      EventPropertiesTopQuery(
        event: parameters.value("event"), limit: limit, days: today.advanced(by: -30)...today))
  }

  func response(project: FakeProject, nowMs: Int64?) -> JSONValue {
    let index = self.event.map { EventGenerator.eventNames.firstIndex(of: $0) }
    if case .some(nil) = index { return .object([]) }
    var total = 0
    for day in self.days {
      let census = project.census(on: day, nowMs: nowMs, users: false)
      if case .some(.some(let index)) = index {
        total += census.uniqueRowsByName[index]
      } else {
        total += census.uniqueRowsByName.reduce(0, +)
      }
    }
    guard total > 0 else { return .object([]) }
    let pooled = total * 225 / 320
    let ranked =
      Self.headProperties.map { ($0, total) }
      + Self.poolProperties.map { ($0, pooled) }
    return .object(ranked.prefix(self.limit).map { ($0.0, .object([("count", .int($0.1))])) })
  }
}

/// `GET /api/2.0/engage/properties` (§10.4): every profile property name with how many
/// profiles have it and its type (`string`, `number`, `boolean`, `datetime`, `list`, `object`).
struct EngagePropertiesQuery: Sendable, Equatable {
  var limit: Int

  static let datetimeProperties: Set<String> = ["$created", "$last_seen"]

  static func parse(_ parameters: QueryParameters) -> Result<EngagePropertiesQuery, RequestError> {
    switch parameters.integer("limit", in: 1...Int.max, default: 255) {
    case .failure(let error): return .failure(error)
    case .success(let value): return .success(EngagePropertiesQuery(limit: value))
    }
  }

  static func type(of value: JSONValue) -> String {
    switch value {
    case .string: "string"
    case .int, .double: "number"
    case .bool: "boolean"
    case .array: "list"
    case .object: "object"
    case .null: "unknown"
    }
  }

  func response(project: FakeProject, uri: String) -> ResponsePlan {
    if let error = project.engageUnavailableResponse(uri: uri) { return error }
    var order: [String] = []
    var counts: [String: (count: Int, type: String)] = [:]
    for index in 0..<project.profiles.count {
      for (name, value) in project.profiles.properties(index) {
        let type = Self.datetimeProperties.contains(name) ? "datetime" : Self.type(of: value)
        if let known = counts[name] {
          counts[name] = (known.count + 1, known.type == type ? type : "unknown")
        } else {
          order.append(name)
          counts[name] = (1, type)
        }
      }
    }
    let results: [(String, JSONValue)] = order.prefix(self.limit).map { name in
      let entry = counts[name]!
      return (name, .object([("count", .int(entry.count)), ("type", .string(entry.type))]))
    }
    return .json(.object([("status", .string("ok")), ("results", .object(results))]))
  }
}

extension RequestRouter {
  /// Routes the property-discovery endpoints (§10.2, §10.4); nil for any other endpoint.
  func routeProperties(_ endpoint: QueryEndpoint, uri: String, parameters: QueryParameters) -> Decision? {
    let project = self.project
    let answer: @Sendable () -> ResponsePlan
    switch endpoint {
    case .eventPropertiesTop:
      switch EventPropertiesTopQuery.parse(parameters, today: project.today) {
      case .failure(let error): return (.respond(.jsonError(.badRequest, error.message, request: uri)), nil)
      case .success(let query): answer = { .json(query.response(project: project, nowMs: project.nowMs)) }
      }
    case .engageProperties:
      switch EngagePropertiesQuery.parse(parameters) {
      case .failure(let error): return (.respond(.jsonError(.badRequest, error.message, request: uri)), nil)
      case .success(let query): answer = { query.response(project: project, uri: uri) }
      }
    default:
      return nil
    }
    switch self.admit(self.queryRateLimiter, uri: uri) {
    case .failure(let limited): return (.respond(limited.plan), nil)
    case .success(let limiter): return (.respond(answer()), limiter)
    }
  }
}
