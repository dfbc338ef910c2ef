/// The filter of an engage query (mixpanel-api.md §5.1): what every page of one pass repeats.
public struct EngageRequest: Sendable, Equatable {
  /// Only members of this cohort (`filter_by_cohort={"id":N}`, §5.4).
  public var cohortID: Int?
  /// With `cohortID`: also members without a profile (Mixpanel's default is true).
  public var includeAllUsers: Bool?
  /// Only these properties; nil for all.
  public var outputProperties: [String]?
  /// A segmentation expression over profile properties.
  public var whereExpression: String?
  /// Profiles per page (Mixpanel's default and assumed maximum: 1000).
  public var pageSize: Int

  public init(
    cohortID: Int? = nil, includeAllUsers: Bool? = nil, outputProperties: [String]? = nil,
    whereExpression: String? = nil, pageSize: Int = 1_000
  ) {
    precondition(pageSize > 0, "pageSize must be positive")
    self.cohortID = cohortID
    self.includeAllUsers = includeAllUsers
    self.outputProperties = outputProperties
    self.whereExpression = whereExpression
    self.pageSize = pageSize
  }

  /// Form-body parameters for `page` of the pass, in a stable order.
  func formItems(page: Int, sessionID: String?) -> [(String, String)] {
    var items: [(String, String)] = []
    if let cohortID { items.append(("filter_by_cohort", "{\"id\":\(cohortID)}")) }
    if let includeAllUsers { items.append(("include_all_users", includeAllUsers ? "true" : "false")) }
    if let outputProperties { items.append(("output_properties", JSONStringArray.encode(outputProperties))) }
    if let whereExpression { items.append(("where", whereExpression)) }
    items.append(("page_size", String(pageSize)))
    if page > 0 || sessionID != nil {
      if let sessionID { items.append(("session_id", sessionID)) }
      items.append(("page", String(page)))
    }
    return items
  }

  /// `engage page 3 (cohort 123)`, for errors and logs.
  func context(page: Int) -> String {
    "engage page \(page)" + (cohortID.map { " (cohort \($0))" } ?? "")
  }
}

/// One page of engage results (§5.2).
public struct EngagePage: Sendable, Equatable {
  /// The page number the server says this is.
  public var page: Int
  /// The page size the server used.
  public var pageSize: Int
  /// Pass it back for later pages.
  public var sessionID: String?
  /// Matching profiles in total; Mixpanel sends it reliably on page 0 only.
  public var total: Int?
  /// The profiles as sent: `{"$distinct_id": …, "$properties": {…}}` each.
  public var results: [JSONNode]

  public init(page: Int, pageSize: Int, sessionID: String?, total: Int?, results: [JSONNode]) {
    self.page = page
    self.pageSize = pageSize
    self.sessionID = sessionID
    self.total = total
    self.results = results
  }

  /// Reads an engage response body.
  static func decode(_ body: JSONNode, requestedPageSize: Int) -> EngagePage? {
    guard let results = body["results"]?.arrayValue else { return nil }
    return EngagePage(
      page: body["page"]?.intValue ?? 0, pageSize: body["page_size"]?.intValue ?? requestedPageSize,
      sessionID: body["session_id"]?.stringValue, total: body["total"]?.intValue, results: results)
  }
}
