import NIOHTTP1

/// `GET /api/query/funnels` (§8.2): one saved funnel per bucket of `from_date`…`to_date`.
/// Unsegmented: `data.<date> = {"steps": [...], "analysis": {...}}`; with `on`, each date maps
/// segment values (and `$overall`) directly to step arrays.
struct FunnelsQuery: Sendable, Equatable {
  var funnelID: Int
  var days: ClosedRange<FakeDay>
  var unit: EventCountsQuery.Unit
  var segmented: Bool

  /// Segment values of a segmented answer, with their share of each step's users.
  static let segments: [(name: String, share: Double)] = [
    ("Chrome", 0.55), ("Safari", 0.3), ("Firefox", 0.15),
  ]

  static func parse(_ parameters: QueryParameters, today: FakeDay) -> Result<FunnelsQuery, RequestError> {
    guard let idText = parameters.value("funnel_id") else {
      return .failure(RequestError("Error in funnel_id: missing required parameter"))
    }
    guard let funnelID = Int(idText) else {
      return .failure(RequestError("Error in funnel_id: must be an integer"))
    }
    let unitText = parameters.value("unit") ?? "day"
    guard let unit = EventCountsQuery.Unit(rawValue: unitText) else {
      return .failure(RequestError("Error in unit: must be one of day, week, month"))
    }
    if let length = parameters.value("length"), Int(length).map({ $0 < 1 || $0 > 90 }) ?? true {
      return .failure(RequestError("Error in length: must be an integer between 1 and 90"))
    }
    return parameters.dateRange(today: today).map {
      FunnelsQuery(funnelID: funnelID, days: $0, unit: unit, segmented: parameters.value("on") != nil)
    }
  }

  func response(project: FakeProject, uri: String) -> ResponsePlan {
    guard let funnel = project.funnel(id: self.funnelID) else {
      return .jsonError(.notFound, "Funnel \(self.funnelID) not found", request: uri)
    }
    var buckets: [(day: FakeDay, days: [FakeFunnelDay])] = []
    for day in self.days {
      let bucket = self.unit.bucket(of: day)
      let value = project.funnelDay(funnel, on: day)
      if buckets.last?.day == bucket {
        buckets[buckets.count - 1].days.append(value)
      } else {
        buckets.append((bucket, [value]))
      }
    }
    let values = buckets.map { FakeFunnelDay.merged($0.days, bucket: $0.day) }
    let data: [(String, JSONValue)] = values.map { value in
      guard self.segmented else {
        return (
          "\(value.day)",
          .object([("steps", Self.steps(value, funnel)), ("analysis", Self.analysis(value))])
        )
      }
      var members: [(String, JSONValue)] = [("$overall", Self.steps(value, funnel))]
      for segment in Self.segments {
        let counts = value.counts.map { Int(Double($0) * segment.share) }
        let part = FakeFunnelDay(
          funnelID: value.funnelID, day: value.day, counts: counts,
          averageTimes: zip(counts, value.averageTimes).map { $0 == 0 ? nil : $1 })
        members.append((segment.name, Self.steps(part, funnel)))
      }
      return ("\(value.day)", .object(members))
    }
    return .json(
      .object([
        ("computed_at", .string(FakeProject.computedAt(project))),
        ("meta", .object([("dates", .array(values.map { .string("\($0.day)") }))])),
        ("data", .object(data)),
      ]))
  }

  /// The `steps` array of one bucket.
  static func steps(_ value: FakeFunnelDay, _ funnel: FakeFunnel) -> JSONValue {
    let fromStart = value.averageTimesFromStart
    return .array(
      funnel.steps.enumerated().map { index, step in
        var members: [(String, JSONValue)] = [
          ("count", .int(value.counts[index])),
          ("avg_time", value.averageTimes[index].map(JSONValue.int) ?? .null),
          ("avg_time_from_start", fromStart[index].map(JSONValue.int) ?? .null),
          ("step_conv_ratio", Self.number(value.stepConversion(index))),
          ("overall_conv_ratio", Self.number(value.overallConversion(index))),
          ("goal", .string(step.event)), ("event", .string(step.event)),
        ]
        if let id = step.customEventID {
          members += [
            ("step_label", .string(step.label ?? step.event)), ("custom_event", .bool(true)),
            ("custom_event_id", .int(id)),
          ]
        }
        return .object(members)
      })
  }

  /// `{"completion": …, "starting_amount": …, "steps": …, "worst": …}`.
  static func analysis(_ value: FakeFunnelDay) -> JSONValue {
    .object([
      ("completion", .int(value.completion)), ("starting_amount", .int(value.startingAmount)),
      ("steps", .int(value.counts.count)), ("worst", .int(value.worst)),
    ])
  }

  /// Whole ratios as integers (`1`, `0`), as in Mixpanel's examples.
  static func number(_ value: Double) -> JSONValue {
    value == value.rounded() ? .int(Int(value)) : .double(value)
  }

  /// `[{"funnel_id": 7509, "name": "Signup funnel"}, …]` (§8.1).
  static func list(project: FakeProject) -> JSONValue {
    .array(project.funnels.map { .object([("funnel_id", .int($0.id)), ("name", .string($0.name))]) })
  }
}

extension FakeProject {
  /// `computed_at` of Query answers: the project's `now` (noon of `today` without one).
  static func computedAt(_ project: FakeProject) -> String {
    let seconds = project.now ?? project.today.startEpochSeconds + 43_200
    return ProfileGenerator.dateTime(seconds) + ".000000+00:00"
  }
}

/// `funnels/list`, `funnels` and `engage/revenue` are answered while routing: their bodies are
/// small and cheap (no event is generated), so they need no trip off the event loop.
extension RequestRouter {
  /// The decision for those endpoints (after authentication); nil for any other endpoint.
  func routeFunnelsOrRevenue(_ endpoint: QueryEndpoint, uri: String, parameters: QueryParameters) -> Decision?
  {
    let project = self.project
    let answer: @Sendable () -> ResponsePlan
    switch endpoint {
    case .funnelsList:
      answer = { .json(FunnelsQuery.list(project: project)) }
    case .funnels:
      switch FunnelsQuery.parse(parameters, today: project.today) {
      case .failure(let error): return (.respond(.jsonError(.badRequest, error.message, request: uri)), nil)
      case .success(let query): answer = { query.response(project: project, uri: uri) }
      }
    case .engageRevenue:
      switch RevenueQuery.parse(parameters, today: project.today) {
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
