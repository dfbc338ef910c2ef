/// `GET /api/query/events` (§10.7.1): per-name, per-bucket event counts.
struct EventCountsQuery: Sendable, Equatable {
  enum Kind: String, Sendable {
    case general, unique, average
  }

  enum Unit: String, Sendable {
    case day, week, month

    /// The bucket key (first day of the bucket; weeks start on Monday).
    func bucket(of day: FakeDay) -> FakeDay {
      switch self {
      case .day: return day
      case .week:
        let weekday = ((day.daysSinceEpoch + 3) % 7 + 7) % 7  // Monday = 0
        return day.advanced(by: -weekday)
      case .month:
        let (year, month, _) = day.components
        return FakeDay(year: year, month: month, day: 1)!
      }
    }
  }

  var names: [String]
  var kind: Kind
  var unit: Unit
  var days: ClosedRange<FakeDay>

  static func parse(_ parameters: QueryParameters, today: FakeDay) -> Result<EventCountsQuery, RequestError> {
    guard let eventText = parameters.value("event") else {
      return .failure(RequestError("Error in event: missing required parameter"))
    }
    guard let names = JSONStringArray.parse(eventText) else {
      return .failure(RequestError("Error in event: invalid JSON array of event names"))
    }
    guard let typeText = parameters.value("type") else {
      return .failure(RequestError("Error in type: missing required parameter"))
    }
    guard let kind = Kind(rawValue: typeText) else {
      return .failure(RequestError("Error in type: must be one of general, unique, average"))
    }
    guard let unitText = parameters.value("unit") else {
      return .failure(RequestError("Error in unit: missing required parameter"))
    }
    guard let unit = Unit(rawValue: unitText) else {
      let known = ["minute", "hour"].contains(unitText)
      return .failure(
        RequestError(
          known
            ? "Error in unit: the fake server supports day, week and month" : "Error in unit: invalid unit"))
    }
    let days: ClosedRange<FakeDay>
    if parameters.value("from_date") == nil, parameters.value("to_date") == nil,
      let intervalText = parameters.value("interval")
    {
      guard let interval = Int(intervalText), interval >= 1, interval <= 10_000 else {
        return .failure(RequestError("Error in interval: must be a positive integer"))
      }
      var start = unit.bucket(of: today)
      for _ in 1..<interval { start = unit.bucket(of: start.advanced(by: -1)) }
      days = start...today
    } else {
      switch parameters.dateRange(today: today) {
      case .failure(let error): return .failure(error)
      case .success(let range): days = range
      }
    }
    return .success(EventCountsQuery(names: names, kind: kind, unit: unit, days: days))
  }

  /// `{"data": {"series": [...], "values": {name: {bucket: count}}}, "legend_size": n}` with
  /// every bucket filled in (zeros included). Counts are what the export serves at `nowMs`,
  /// with exact duplicates counted once, like Mixpanel's query-time deduplication.
  func response(project: FakeProject, nowMs: Int64?) -> JSONValue {
    let nameCount = EventGenerator.eventNames.count
    var buckets: [FakeDay] = []
    var rows: [FakeDay: [Int]] = [:]
    var users: [FakeDay: [Set<Int>]] = [:]
    for day in self.days {
      let bucket = self.unit.bucket(of: day)
      if rows[bucket] == nil {
        buckets.append(bucket)
        rows[bucket] = Array(repeating: 0, count: nameCount)
        users[bucket] = Array(repeating: [], count: nameCount)
      }
      let census = project.census(on: day, nowMs: nowMs, users: self.kind != .general)
      for index in 0..<nameCount {
        rows[bucket]![index] += census.uniqueRowsByName[index]
        if self.kind != .general { users[bucket]![index].formUnion(census.usersByName[index]) }
      }
    }
    var values: [(String, JSONValue)] = []
    var seen = Set<String>()
    for name in self.names where seen.insert(name).inserted {
      let index = EventGenerator.eventNames.firstIndex(of: name)
      let perBucket: [(String, JSONValue)] = buckets.map { bucket in
        guard let index else { return ("\(bucket)", self.kind == .average ? .double(0) : .int(0)) }
        let total = rows[bucket]![index]
        let distinct = users[bucket]?[index].count ?? 0
        switch self.kind {
        case .general: return ("\(bucket)", .int(total))
        case .unique: return ("\(bucket)", .int(distinct))
        case .average:
          let average = distinct == 0 ? 0 : (Double(total) / Double(distinct) * 1_000).rounded() / 1_000
          return ("\(bucket)", .double(average))
        }
      }
      values.append((name, .object(perBucket)))
    }
    return .object([
      ("data", .object([("series", .array(buckets.map { .string("\($0)") })), ("values", .object(values))])),
      ("legend_size", .int(values.count)),
    ])
  }
}

/// `GET /api/query/events/names` (§10.1): the most common event names of a range (default:
/// the 31 days ending today), most common first.
struct EventNamesQuery: Sendable, Equatable {
  var limit: Int
  var days: ClosedRange<FakeDay>

  static func parse(_ parameters: QueryParameters, today: FakeDay) -> Result<EventNamesQuery, RequestError> {
    if let type = parameters.value("type"), EventCountsQuery.Kind(rawValue: type) == nil {
      return .failure(RequestError("Error in type: must be one of general, unique, average"))
    }
    let limit: Int
    switch parameters.integer("limit", in: 1...Int.max, default: 255) {
    case .failure(let error): return .failure(error)
    case .success(let value): limit = min(value, 5_000)
    }
    var days = today.advanced(by: -30)...today
    if parameters.value("from_date") != nil || parameters.value("to_date") != nil {
      switch parameters.dateRange(today: today) {
      case .failure(let error): return .failure(error)
      case .success(let range): days = range
      }
    }
    return .success(EventNamesQuery(limit: limit, days: days))
  }

  func response(project: FakeProject, nowMs: Int64?) -> JSONValue {
    var totals = Array(repeating: 0, count: EventGenerator.eventNames.count)
    for day in self.days {
      let census = project.census(on: day, nowMs: nowMs, users: false)
      for (index, count) in census.uniqueRowsByName.enumerated() { totals[index] += count }
    }
    let ranked = EventGenerator.eventNames.indices.filter { totals[$0] > 0 }
      .sorted { totals[$0] != totals[$1] ? totals[$0] > totals[$1] : $0 < $1 }
    return .array(ranked.prefix(self.limit).map { .string(EventGenerator.eventNames[$0]) })
  }
}
