import NIOCore
import NIOHTTP1

/// Server-wide state shared by all connections, and the synchronous part of request handling.
struct RequestRouter: Sendable {
  enum Route {
    case respond(ResponsePlan)
    case export(ExportRequest, acceptsGzip: Bool)
  }

  let project: FakeProject
  let configuration: FakeServerConfiguration
  let log: FakeRequestLog
  let faults: FaultInjector
  let rateLimiter: RateLimiter?
  let authenticator: Authenticator

  init(project: FakeProject, configuration: FakeServerConfiguration) {
    self.project = project
    self.configuration = configuration
    self.log = FakeRequestLog()
    self.faults = FaultInjector(configuration.faults)
    self.rateLimiter = configuration.rateLimits.map {
      let label = project.serviceAccount.map { "project_id: \($0.projectID)" } ?? "this project"
      return RateLimiter(limits: $0, clock: configuration.clock, projectLabel: label)
    }
    self.authenticator = Authenticator(apiSecret: project.apiSecret, serviceAccount: project.serviceAccount)
  }

  /// Checks path, auth, parameters, rate limits and pre-flight faults. `admitted` is true when
  /// the rate limiter counted the request as running (the caller must release it).
  func route(_ head: HTTPRequestHead, logIndex: Int) -> (route: Route, admitted: Bool) {
    let (rawPath, parameters) = QueryString.split(uri: head.uri)
    let path = rawPath.count > 1 && rawPath.hasSuffix("/") ? String(rawPath.dropLast()) : rawPath
    let uri = head.uri
    guard path == "/api/2.0/export" else {
      return (.respond(.jsonError(.notFound, "Not found: \(path)", request: uri)), false)
    }
    guard head.method == .GET || head.method == .POST else {
      return (.respond(.jsonError(.methodNotAllowed, "Method not allowed", request: uri)), false)
    }
    let projectID = parameters.first { $0.0 == "project_id" }?.1
    switch self.authenticator.check(
      authorization: head.headers.first(name: "authorization"), projectID: projectID)
    {
    case .projectSecret, .serviceAccount: break
    case .unauthorized:
      return (.respond(.jsonError(.unauthorized, "Invalid username or secret", request: uri)), false)
    case .badProjectID(let message):
      return (.respond(.jsonError(.badRequest, message, request: uri)), false)
    case .forbidden(let message):
      return (.respond(.jsonError(.forbidden, message, request: uri)), false)
    }
    let request: ExportRequest
    switch ExportRequest.parse(parameters, today: self.project.today) {
    case .failure(let error): return (.respond(.jsonError(.badRequest, error.message, request: uri)), false)
    case .success(let parsed): request = parsed
    }
    var admitted = false
    if let limiter = self.rateLimiter {
      switch limiter.admit() {
      case .admitted: admitted = true
      case .rejected(let message, let retryAfter):
        let headers =
          self.configuration.rateLimits?.sendRetryAfter == true ? [("Retry-After", "\(retryAfter)")] : []
        var plan = ResponsePlan.jsonError(.tooManyRequests, message, request: uri, headers: headers)
        plan.fault = "rateLimit"
        return (.respond(plan), false)
      }
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
}
