/// The Query API endpoints the fake serves, by their path below `/api/query/` or `/api/2.0/`.
enum QueryEndpoint: String, CaseIterable, Sendable {
  case events = "events"
  case eventNames = "events/names"
  case eventPropertiesTop = "events/properties/top"
  case engage = "engage"
  case engageProperties = "engage/properties"
  case engageRevenue = "engage/revenue"
  case cohortsList = "cohorts/list"
  case annotations = "annotations"
  case funnelsList = "funnels/list"
  case funnels = "funnels"
}

/// What a request path names. Paths are matched exactly (so `/events` never swallows
/// `/events/names`), with one trailing slash tolerated.
enum APIPath: Equatable, Sendable {
  case export
  case query(QueryEndpoint)
  /// `/api/app/projects/{projectId}/annotations`
  case appAnnotations(projectID: String)
  case unknown

  init(_ rawPath: String) {
    let path = rawPath.count > 1 && rawPath.hasSuffix("/") ? String(rawPath.dropLast()) : rawPath
    if path == "/api/2.0/export" {
      self = .export
      return
    }
    for prefix in ["/api/query/", "/api/2.0/"] where path.hasPrefix(prefix) {
      if let endpoint = QueryEndpoint(rawValue: String(path.dropFirst(prefix.count))) {
        self = .query(endpoint)
        return
      }
    }
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count == 6, parts[0].isEmpty, parts[1] == "api", parts[2] == "app", parts[3] == "projects",
      parts[5] == "annotations"
    {
      self = .appAnnotations(projectID: String(parts[4]))
      return
    }
    self = .unknown
  }
}
