/// Annotations: legacy `GET /api/2.0/annotations` (§7.2) and App API
/// `GET /api/app/projects/{id}/annotations` (§7.1). Dates are optional; the App API spells them
/// `fromDate`/`toDate` (snake case accepted too).
struct AnnotationsQuery: Sendable, Equatable {
  var days: ClosedRange<FakeDay>?
  var app: Bool

  static func parse(_ parameters: QueryParameters, today: FakeDay, app: Bool) -> Result<
    AnnotationsQuery, RequestError
  > {
    var pairs = parameters.pairs
    if app {
      pairs = pairs.map { ($0.0 == "fromDate" ? "from_date" : $0.0 == "toDate" ? "to_date" : $0.0, $0.1) }
    }
    let merged = QueryParameters(pairs)
    guard merged.value("from_date") != nil || merged.value("to_date") != nil else {
      return .success(AnnotationsQuery(days: nil, app: app))
    }
    return merged.dateRange(today: today).map { AnnotationsQuery(days: $0, app: app) }
  }

  func response(project: FakeProject) -> JSONValue {
    let annotations =
      self.days.map { project.annotations(from: $0.lowerBound, to: $0.upperBound) } ?? project.allAnnotations
    let projectID = project.serviceAccount?.projectID ?? 0
    guard self.app else {
      return .object([
        (
          "annotations",
          .array(
            annotations.map {
              .object([
                ("id", .int($0.id)), ("project_id", .int(projectID)), ("date", .string($0.date)),
                ("description", .string($0.description)),
              ])
            })
        )
      ])
    }
    return .object([
      ("status", .string("ok")),
      (
        "results",
        .array(
          annotations.map { annotation in
            .object([
              ("id", .int(annotation.id)), ("date", .string(annotation.date)),
              ("description", .string(annotation.description)),
              (
                "user",
                .object([
                  ("id", .int(918_273)), ("first_name", .string("Ana")), ("last_name", .string("Schmidt")),
                ])
              ),
              (
                "tags",
                .array(
                  annotation.tags.map { name in
                    .object([
                      ("id", .int(31 + (FakeAnnotation.tagNames.firstIndex(of: name) ?? 0))),
                      ("name", .string(name)),
                    ])
                  })
              ),
            ])
          })
      ),
    ])
  }
}
