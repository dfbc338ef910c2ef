import NIOHTTP1

/// `GET /api/2.0/engage/revenue` (§9, legacy): revenue per bucket of `from_date`…`to_date`,
/// plus a `$overall` summary, under `results`. A project can switch it off
/// (``FakeProject/setRevenueUnavailable(status:)``) to test callers' degrade path.
struct RevenueQuery: Sendable, Equatable {
  var days: ClosedRange<FakeDay>
  var unit: EventCountsQuery.Unit

  static func parse(_ parameters: QueryParameters, today: FakeDay) -> Result<RevenueQuery, RequestError> {
    let unitText = parameters.value("unit") ?? "day"
    guard let unit = EventCountsQuery.Unit(rawValue: unitText) else {
      return .failure(RequestError("Error in unit: must be one of day, week, month"))
    }
    return parameters.dateRange(today: today).map { RevenueQuery(days: $0, unit: unit) }
  }

  func response(project: FakeProject, uri: String) -> ResponsePlan {
    if let status = project.revenueUnavailableStatus {
      let message =
        status == 402
        ? "Your plan does not allow API calls. Upgrade at mixpanel.com/pricing"
        : status >= 500 ? "unknown error" : "This endpoint is not available for this project"
      return .jsonError(HTTPResponseStatus(statusCode: status), message, request: uri)
    }
    var buckets: [(day: FakeDay, cents: Int, count: Int, paid: Int)] = []
    for day in self.days {
      let bucket = self.unit.bucket(of: day)
      let value = project.revenueDay(day)
      if buckets.last?.day == bucket {
        buckets[buckets.count - 1].cents += value.amountCents
        buckets[buckets.count - 1].count = value.count
        buckets[buckets.count - 1].paid += value.paidCount
      } else {
        buckets.append((bucket, value.amountCents, value.count, value.paidCount))
      }
    }
    func entry(_ cents: Int, _ count: Int, _ paid: Int) -> JSONValue {
      .object([("amount", .double(Double(cents) / 100)), ("count", .int(count)), ("paid_count", .int(paid))])
    }
    let overall = entry(
      buckets.reduce(0) { $0 + $1.cents }, buckets.last?.count ?? 0, buckets.reduce(0) { $0 + $1.paid })
    let nowSeconds = project.now ?? project.today.startEpochSeconds + 43_200
    return .json(
      .object([
        ("computed_at", .string(FakeProject.computedAt(project))), ("status", .string("ok")),
        ("session_id", .string("\(nowSeconds)-Fk\(project.seed % 10_000)")),
        (
          "results",
          .object([("$overall", overall)] + buckets.map { ("\($0.day)", entry($0.cents, $0.count, $0.paid)) })
        ),
      ]))
  }
}
