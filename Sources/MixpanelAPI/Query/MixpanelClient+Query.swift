import AsyncHTTPClient
public import CalendarDay
import NIOCore
import NIOHTTP1

/// The Query and App API calls of the full-table streams (mixpanel-api.md §5–§7): small JSON
/// answers, read whole and parsed into ``JSONNode``s. Non-2xx answers throw
/// ``MixpanelAPIError`` exactly like ``MixpanelClient/export(_:_:)``.
///
/// Service accounts get `project_id` in the query string of every Query API call (also on
/// POSTs); the App API names the project in its path instead.
extension MixpanelClient {
  /// Largest Query API body accepted (one engage page of 1000 fat profiles is a few MB).
  static let maximumQueryBodyBytes = 256 << 20

  /// One page of `POST /api/query/engage`. Page 0 opens a session; later pages pass it back.
  public func engagePage(_ request: EngageRequest, page: Int, sessionID: String?) async throws -> EngagePage {
    let context = request.context(page: page)
    let body = try await queryJSON(
      .POST, path: "/api/query/engage", query: [], form: request.formItems(page: page, sessionID: sessionID),
      context: context)
    guard let decoded = EngagePage.decode(body, requestedPageSize: request.pageSize) else {
      throw Self.unexpectedBody(context, "no 'results' array")
    }
    return decoded
  }

  /// `POST /api/query/cohorts/list`: every saved cohort, as sent.
  public func cohorts() async throws -> [JSONNode] {
    let context = "cohorts/list"
    let body = try await queryJSON(
      .POST, path: "/api/query/cohorts/list", query: [], form: [], context: context)
    guard let cohorts = body.arrayValue else { throw Self.unexpectedBody(context, "not a JSON array") }
    return cohorts
  }

  /// The project's annotations, as sent: the App API (`/api/app/projects/{id}/annotations`) with
  /// a service account, the legacy `/api/query/annotations` with a project secret (§7.3). Without
  /// dates, every annotation.
  public func annotations(from: Day? = nil, to: Day? = nil) async throws -> [JSONNode] {
    let context = "annotations" + (from.map { " from \($0)" } ?? "") + (to.map { " to \($0)" } ?? "")
    let body: JSONNode
    let list: [JSONNode]?
    if case .serviceAccount(_, _, let projectID) = configuration.credentials {
      var query: [(String, String)] = []
      if let from { query.append(("fromDate", "\(from)")) }
      if let to { query.append(("toDate", "\(to)")) }
      body = try await queryJSON(
        .GET, path: "/api/app/projects/\(projectID)/annotations", query: query, form: nil, context: context,
        addProjectID: false)
      list = body["results"]?.arrayValue
    } else {
      var query: [(String, String)] = []
      if let from { query.append(("from_date", "\(from)")) }
      if let to { query.append(("to_date", "\(to)")) }
      body = try await queryJSON(
        .GET, path: "/api/query/annotations", query: query, form: nil, context: context)
      list = body["annotations"]?.arrayValue
    }
    guard let list else { throw Self.unexpectedBody(context, "no annotations list") }
    return list
  }

  // MARK: - Transport

  /// Sends one request and parses its JSON answer.
  func queryJSON(
    _ method: HTTPMethod, path: String, query: [(String, String)], form: [(String, String)]?,
    context: String, addProjectID: Bool = true
  ) async throws -> JSONNode {
    var items = query
    if addProjectID, let projectID = configuration.credentials.projectID {
      items.insert(("project_id", String(projectID)), at: 0)
    }
    // The App API (addProjectID false) names the project in its path and knows no data views.
    if addProjectID, let workspaceID = configuration.workspaceID {
      items.insert(("workspace_id", String(workspaceID)), at: items.first?.0 == "project_id" ? 1 : 0)
    }
    let base = "\(configuration.endpoints.queryBaseURL)\(path)"
    var request = HTTPClientRequest(url: items.isEmpty ? base : "\(base)?\(QueryString.encode(items))")
    request.method = method
    request.headers.add(name: "Authorization", value: configuration.credentials.authorizationHeader)
    request.headers.add(name: "Accept", value: "application/json")
    request.headers.add(name: "Accept-Encoding", value: configuration.acceptGzip ? "gzip" : "identity")
    request.headers.add(name: "User-Agent", value: configuration.userAgent)
    if let form {
      request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
      request.body = .bytes(ByteBuffer(string: QueryString.encode(form)))
    }
    let bytes = try await Self.withQueryHTTPClient(configuration) { http in
      let response: HTTPClientResponse
      do {
        response = try await http.execute(
          request, timeout: .seconds(Int64(configuration.requestTimeoutSeconds)))
      } catch {
        throw Self.transportError(error, context: context)
      }
      let body: ByteBuffer
      do {
        body = try await response.body.collect(upTo: Self.maximumQueryBodyBytes)
      } catch {
        throw Self.transportError(error, context: context)
      }
      guard (200..<300).contains(Int(response.status.code)) else {
        throw MixpanelAPIError.fromStatus(
          Int(response.status.code), body: Array(Array(buffer: body).prefix(64 << 10)),
          retryAfter: response.headers.first(name: "Retry-After"), context: context,
          scrubber: configuration.credentials.scrubber)
      }
      return Array(buffer: body)
    }
    do {
      return try JSONNode(parsing: bytes)
    } catch {
      throw Self.unexpectedBody(context, "not JSON: \(error)")
    }
  }

  /// A 2xx whose body is not the JSON the endpoint promises: retryable, like a cut body.
  static func unexpectedBody(_ context: String, _ detail: String) -> MixpanelAPIError {
    MixpanelAPIError(
      kind: .server, status: 200, serverMessage: "unexpected response body (\(detail))", context: context)
  }

  /// A scoped HTTP client with this client's timeouts, for one Query call.
  ///
  /// The Query API allows 60 calls an hour, so a fresh connection per call costs nothing that
  /// matters; it keeps these calls independent of ``MixpanelClient``'s private connection pool.
  private static func withQueryHTTPClient<T>(
    _ configuration: MixpanelClientConfiguration, _ body: (HTTPClient) async throws -> T
  ) async throws -> T {
    var httpConfiguration = HTTPClient.Configuration(
      timeout: .init(
        connect: .seconds(Int64(configuration.connectTimeoutSeconds)),
        read: .seconds(Int64(configuration.requestTimeoutSeconds))),
      decompression: .enabled(limit: .none))
    httpConfiguration.httpVersion = .http1Only
    httpConfiguration.redirectConfiguration = .disallow
    return try await HTTPClient.withHTTPClient(configuration: httpConfiguration, body)
  }
}
