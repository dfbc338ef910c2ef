/// `POST /api/query/engage` (§5): profiles, optionally of one cohort, paged by `session_id`.
struct EngageQuery: Sendable, Equatable {
  var distinctIDs: [String]?
  var cohortID: Int?
  var includeAllUsers: Bool
  var outputProperties: Set<String>?
  var page: Int
  var pageSize: Int
  var sessionID: String?

  static let maximumPageSize = 10_000

  static func parse(_ parameters: QueryParameters) -> Result<EngageQuery, RequestError> {
    var query = EngageQuery(
      distinctIDs: nil, cohortID: nil, includeAllUsers: true, outputProperties: nil, page: 0, pageSize: 1_000,
      sessionID: parameters.value("session_id"))
    if let id = parameters.value("distinct_id") {
      query.distinctIDs = [id]
    } else if let text = parameters.value("distinct_ids") {
      guard let ids = JSONStringArray.parse(text) else {
        return .failure(RequestError("Error in distinct_ids: invalid JSON array of strings"))
      }
      query.distinctIDs = ids
    }
    if let text = parameters.value("filter_by_cohort") {
      guard let id = Self.cohortID(text) else {
        return .failure(
          RequestError("Error in filter_by_cohort: expected a JSON object like {\"id\": 12345}"))
      }
      query.cohortID = id
    }
    if let text = parameters.value("include_all_users") {
      guard let flag = ["true": true, "false": false, "1": true, "0": false][text.lowercased()] else {
        return .failure(RequestError("Error in include_all_users: expected true or false"))
      }
      query.includeAllUsers = flag
    }
    if let text = parameters.value("output_properties") {
      guard let names = JSONStringArray.parse(text) else {
        return .failure(RequestError("Error in output_properties: invalid JSON array of strings"))
      }
      query.outputProperties = Set(names)
    }
    if parameters.value("where") != nil { return .failure(RequestError("invalid where expression")) }
    for unsupported in ["data_group_id", "behaviors"] where parameters.value(unsupported) != nil {
      return .failure(RequestError("Error in \(unsupported): not supported by the fake server"))
    }
    switch parameters.integer("page", in: 0...Int.max, default: 0) {
    case .failure(let error): return .failure(error)
    case .success(let page): query.page = page
    }
    switch parameters.integer("page_size", in: 1...maximumPageSize, default: 1_000) {
    case .failure(let error): return .failure(error)
    case .success(let size): query.pageSize = size
    }
    if query.page > 0, query.sessionID == nil {
      return .failure(RequestError("Error in session_id: required when page is greater than 0"))
    }
    return .success(query)
  }

  /// The `id` of a `{"id": 12345}` object.
  static func cohortID(_ text: String) -> Int? {
    let compact = text.filter { !$0.isWhitespace }
    guard compact.hasPrefix("{"), compact.hasSuffix("}"), let key = compact.firstRange(of: "\"id\":") else {
      return nil
    }
    let digits = compact[key.upperBound...].prefix { $0.isNumber || $0 == "-" }
    return Int(digits)
  }

  enum Member {
    case profile(Int)
    case profileless(String)
  }

  /// The selected members in paging order; nil for an unknown cohort.
  func members(of project: FakeProject) -> [Member]? {
    let profiles = project.profiles
    var selected: [Member]
    if let cohortID {
      guard let cohort = project.cohorts.first(where: { $0.id == cohortID }) else { return nil }
      selected = (0..<profiles.count).filter { profiles.isMember($0, of: cohort) }.map(Member.profile)
      if self.includeAllUsers { selected += profiles.profilelessMembers(of: cohort).map(Member.profileless) }
    } else {
      selected = (0..<profiles.count).map(Member.profile)
    }
    if let distinctIDs {
      let wanted = Set(distinctIDs)
      selected = selected.filter {
        switch $0 {
        case .profile(let index): wanted.contains(profiles.distinctID(index))
        case .profileless(let id): wanted.contains(id)
        }
      }
    }
    return selected
  }

  func response(project: FakeProject, sessions: EngageSessions, uri: String) -> ResponsePlan {
    if let error = project.engageUnavailableResponse(uri: uri) { return error }
    if self.page > 0, let sessionID, !sessions.isLive(sessionID) {
      return .jsonError(
        .badRequest, "session_id is invalid or has expired; restart from page 0", request: uri)
    }
    guard let members = self.members(of: project) else {
      return .jsonError(
        .badRequest, "Error in filter_by_cohort: unknown cohort id \(self.cohortID ?? 0)", request: uri)
    }
    let session =
      self.sessionID.flatMap { sessions.isLive($0) ? $0 : nil } ?? sessions.open(today: project.today)
    let start = min(members.count, self.page.multipliedReportingOverflow(by: self.pageSize).partialValue)
    let end = min(members.count, start + self.pageSize)
    let results: [JSONValue] = members[start..<end].map { member in
      switch member {
      case .profile(let index):
        var properties = project.profiles.properties(index)
        if let wanted = self.outputProperties { properties = properties.filter { wanted.contains($0.0) } }
        return .object([
          ("$distinct_id", .string(project.profiles.distinctID(index))), ("$properties", .object(properties)),
        ])
      case .profileless(let id):
        return .object([("$distinct_id", .string(id)), ("$properties", .object([]))])
      }
    }
    var body: [(String, JSONValue)] = [
      ("page", .int(self.page)), ("page_size", .int(self.pageSize)), ("session_id", .string(session)),
      ("status", .string("ok")),
    ]
    if self.page == 0 { body.append(("total", .int(members.count))) }
    body.append(("results", .array(results)))
    return .json(.object(body))
  }
}

/// `cohorts/list` (§6): a bare JSON array.
enum CohortsListQuery {
  static func response(project: FakeProject) -> JSONValue {
    let projectID = project.serviceAccount?.projectID ?? 0
    return .array(
      project.cohorts.map { cohort in
        .object([
          ("count", .int(project.cohortMembers(cohort.id)?.count ?? 0)),
          ("is_visible", .int(cohort.isVisible ? 1 : 0)),
          ("description", .string(cohort.description)),
          ("created", .string(cohort.created)),
          ("project_id", .int(projectID)),
          ("id", .int(cohort.id)),
          ("name", .string(cohort.name)),
        ])
      })
  }
}
