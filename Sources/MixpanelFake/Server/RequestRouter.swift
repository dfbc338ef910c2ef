import NIOCore
import NIOHTTP1

/// Server-wide state shared by all connections, and the synchronous part of request handling.
struct RequestRouter: Sendable {
  enum Route {
    case respond(ResponsePlan)
    case export(ExportRequest, acceptsGzip: Bool)
    case query(QueryRequest)
  }

  /// A routed request, with the limiter that admitted it (the caller must release it).
  typealias Decision = (route: Route, admittedBy: RateLimiter?)

  let project: FakeProject
  let configuration: FakeServerConfiguration
  let log: FakeRequestLog
  let faults: FaultInjector
  let rateLimiter: RateLimiter?
  let queryRateLimiter: RateLimiter?
  let authenticator: Authenticator
  let engageSessions: EngageSessions
  let exportGate: ExportGate?

  init(project: FakeProject, configuration: FakeServerConfiguration) {
    self.project = project
    self.configuration = configuration
    self.log = FakeRequestLog()
    self.faults = FaultInjector(configuration.faults)
    let label = project.serviceAccount.map { "project_id: \($0.projectID)" } ?? "this project"
    self.rateLimiter = configuration.rateLimits.map {
      RateLimiter(limits: $0, clock: configuration.clock, projectLabel: label)
    }
    self.queryRateLimiter = configuration.rateLimits.flatMap { _ in configuration.queryRateLimits }.map {
      RateLimiter(family: .query, limits: $0, clock: configuration.clock, projectLabel: label)
    }
    self.authenticator = Authenticator(apiSecret: project.apiSecret, serviceAccount: project.serviceAccount)
    self.engageSessions = EngageSessions(
      clock: configuration.clock, lifetime: configuration.engageSessionLifetime,
      expiredOnOpen: configuration.engageSessionsExpiringAtOnce)
    self.exportGate = configuration.exportGate.map(ExportGate.init)
  }

  /// Checks path, auth, parameters, rate limits and pre-flight faults.
  func route(_ head: HTTPRequestHead, body: ByteBuffer?) -> Decision {
    let (rawPath, parameters) = QueryString.split(uri: head.uri)
    let uri = head.uri
    guard head.method == .GET || head.method == .POST else {
      return (.respond(.jsonError(.methodNotAllowed, "Method not allowed", request: uri)), nil)
    }
    switch APIPath(rawPath) {
    case .export:
      return self.routeExport(head, parameters: parameters)
    case .query(let endpoint):
      let merged = parameters + Self.formParameters(head, body: body)
      return self.routeQuery(endpoint, head: head, parameters: QueryParameters(merged), app: false)
    case .appAnnotations(let projectID):
      let merged = [("project_id", projectID)] + parameters + Self.formParameters(head, body: body)
      return self.routeQuery(.annotations, head: head, parameters: QueryParameters(merged), app: true)
    case .unknown:
      return (.respond(.jsonError(.notFound, "Not found: \(rawPath)", request: uri)), nil)
    }
  }

  /// The parameters of an `application/x-www-form-urlencoded` body (also when untyped).
  static func formParameters(_ head: HTTPRequestHead, body: ByteBuffer?) -> [(String, String)] {
    guard let body, body.readableBytes > 0 else { return [] }
    let type = head.headers.first(name: "content-type")?.lowercased() ?? "application/x-www-form-urlencoded"
    guard type.hasPrefix("application/x-www-form-urlencoded") else { return [] }
    return QueryString.split(uri: "?" + String(buffer: body)).parameters
  }

  /// nil when the credentials are good; otherwise the error response.
  func authenticate(_ head: HTTPRequestHead, projectID: String?, app: Bool) -> ResponsePlan? {
    let uri = head.uri
    func failure(_ status: HTTPResponseStatus, _ message: String) -> ResponsePlan {
      app ? .appError(status, message) : .jsonError(status, message, request: uri)
    }
    switch self.authenticator.check(
      authorization: head.headers.first(name: "authorization"), projectID: projectID)
    {
    case .projectSecret, .serviceAccount: return nil
    case .unauthorized: return failure(.unauthorized, "Invalid username or secret")
    case .badProjectID(let message): return failure(.badRequest, message)
    case .forbidden(let message): return failure(.forbidden, message)
    }
  }

  /// Admits a request against `limiter`, or returns the 429 to send.
  func admit(_ limiter: RateLimiter?, uri: String) -> Result<RateLimiter?, RateLimited> {
    guard let limiter else { return .success(nil) }
    switch limiter.admit() {
    case .admitted: return .success(limiter)
    case .rejected(let message, let retryAfter):
      let headers =
        self.configuration.rateLimits?.sendRetryAfter == true ? [("Retry-After", "\(retryAfter)")] : []
      var plan = ResponsePlan.jsonError(.tooManyRequests, message, request: uri, headers: headers)
      plan.fault = "rateLimit"
      return .failure(RateLimited(plan: plan))
    }
  }

  struct RateLimited: Error {
    let plan: ResponsePlan
  }

  private func routeExport(_ head: HTTPRequestHead, parameters: [(String, String)]) -> Decision {
    let uri = head.uri
    let projectID = parameters.first { $0.0 == "project_id" }?.1
    if let failure = self.authenticate(head, projectID: projectID, app: false) {
      return (.respond(failure), nil)
    }
    let request: ExportRequest
    switch ExportRequest.parse(parameters, today: self.project.today) {
    case .failure(let error): return (.respond(.jsonError(.badRequest, error.message, request: uri)), nil)
    case .success(let parsed): request = parsed
    }
    if self.faults.echoesAuthorization() {
      // A gateway that quotes the request back: the credentials come with it.
      let authorization = head.headers.first(name: "authorization") ?? ""
      var plan = ResponsePlan.jsonError(
        .badRequest, "malformed request: Authorization: \(authorization); uri \(uri)", request: uri)
      plan.fault = "echoAuthorization"
      return (.respond(plan), nil)
    }
    let admitted: RateLimiter?
    switch self.admit(self.rateLimiter, uri: uri) {
    case .failure(let limited): return (.respond(limited.plan), nil)
    case .success(let limiter): admitted = limiter
    }
    switch self.faults.preflight() {
    case .serverError:
      var plan = ResponsePlan.jsonError(.internalServerError, "unknown error", request: nil)
      plan.fault = InjectedFault.serverError.name
      return (.respond(plan), admitted)
    case .tooManyRequests(let retryAfter):
      let headers = retryAfter.map { [("Retry-After", "\($0)")] } ?? []
      var plan = ResponsePlan.jsonError(
        .tooManyRequests, "too many export requests in progress for this project", request: nil,
        headers: headers)
      plan.fault = "burst429"
      return (.respond(plan), admitted)
    default:
      break
    }
    let acceptsGzip = head.headers[canonicalForm: "accept-encoding"].contains {
      $0.lowercased().hasPrefix("gzip")
    }
    return (.export(request, acceptsGzip: acceptsGzip), admitted)
  }

  private func routeQuery(
    _ endpoint: QueryEndpoint, head: HTTPRequestHead, parameters: QueryParameters, app: Bool
  ) -> Decision {
    let uri = head.uri
    if let failure = self.authenticate(head, projectID: parameters.value("project_id"), app: app) {
      return (.respond(failure), nil)
    }
    // Injected faults, in the shape of the API called (the App API has its own error body).
    func failure(_ status: HTTPResponseStatus, _ message: String, fault: String) -> Decision {
      var plan = app ? ResponsePlan.appError(status, message) : .jsonError(status, message, request: uri)
      plan.fault = fault
      return (.respond(plan), nil)
    }
    switch self.faults.queryPreflight() {
    case .serverError: return failure(.internalServerError, "unknown error", fault: "query5xx")
    case .tooManyRequests: return failure(.tooManyRequests, "Query rate limit exceeded", fault: "query429")
    default: break
    }
    if let decision = self.routeFunnelsOrRevenue(endpoint, uri: uri, parameters: parameters) {
      return decision
    }
    if let decision = self.routeProperties(endpoint, uri: uri, parameters: parameters) {
      return decision
    }
    guard let parsed = QueryRequest.parse(endpoint, parameters, project: self.project, app: app) else {
      return (.respond(.jsonError(.notFound, "Not found: \(endpoint.rawValue)", request: uri)), nil)
    }
    let request: QueryRequest
    switch parsed {
    case .failure(let error):
      return (
        .respond(
          app ? .appError(.badRequest, error.message) : .jsonError(.badRequest, error.message, request: uri)),
        nil
      )
    case .success(let value): request = value
    }
    switch self.admit(self.queryRateLimiter, uri: uri) {
    case .failure(let limited): return (.respond(limited.plan), nil)
    case .success(let limiter): return (.query(request), limiter)
    }
  }
}
