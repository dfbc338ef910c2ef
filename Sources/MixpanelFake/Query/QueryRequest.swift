/// A validated Query or App API request, answered off the event loop by `QueryResponder`.
enum QueryRequest: Sendable {
  case eventCounts(EventCountsQuery)
  case eventNames(EventNamesQuery)
  case engage(EngageQuery)
  case cohortsList
  case annotations(AnnotationsQuery)

  /// Validates `parameters` for `endpoint`; the error is the 400 message.
  static func parse(
    _ endpoint: QueryEndpoint, _ parameters: QueryParameters, project: FakeProject, app: Bool
  ) -> Result<QueryRequest, RequestError>? {
    switch endpoint {
    case .events:
      return EventCountsQuery.parse(parameters, today: project.today).map(QueryRequest.eventCounts)
    case .eventNames:
      return EventNamesQuery.parse(parameters, today: project.today).map(QueryRequest.eventNames)
    case .engage: return EngageQuery.parse(parameters).map(QueryRequest.engage)
    case .cohortsList: return .success(.cohortsList)
    case .annotations:
      return AnnotationsQuery.parse(parameters, today: project.today, app: app).map(QueryRequest.annotations)
    default: return nil
    }
  }
}

/// Computes Query API responses from the project's data at its current `now`.
struct QueryResponder: Sendable {
  let project: FakeProject
  let sessions: EngageSessions

  func respond(to request: QueryRequest, uri: String) -> ResponsePlan {
    let nowMs = self.project.nowMs
    switch request {
    case .eventCounts(let query): return .json(query.response(project: self.project, nowMs: nowMs))
    case .eventNames(let query): return .json(query.response(project: self.project, nowMs: nowMs))
    case .engage(let query): return query.response(project: self.project, sessions: self.sessions, uri: uri)
    case .cohortsList: return .json(CohortsListQuery.response(project: self.project))
    case .annotations(let query): return .json(query.response(project: self.project))
    }
  }
}
