public import AsyncHTTPClient
import Glibc
public import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// Settings of a ``MixpanelClient``.
public struct MixpanelClientConfiguration: Sendable {
  public var endpoints: Endpoints
  public var credentials: Credentials
  public var userAgent: String
  /// Longest wait for the next bytes of a response (tap-mixpanel's `request_timeout`).
  public var requestTimeoutSeconds: Int
  public var connectTimeoutSeconds: Int
  /// Ask for gzip bodies (`Accept-Encoding: gzip`). Saves bandwidth over the internet; on a fast
  /// local link (the fake on loopback) identity bodies are cheaper.
  public var acceptGzip: Bool
  /// Sent as `workspace_id` on Query API calls (projects with data views); never on export.
  public var workspaceID: Int?
  /// How soon after sending a closed connection counts as stale (the keep-alive race) rather
  /// than as a failed request. Tests on busy machines widen it, so that a slow scheduler cannot
  /// turn the race into a failure.
  public var staleConnectionWindow: Duration = .seconds(1)
  /// Connections the client may open to one host at once. AsyncHTTPClient's default is 8:
  /// requests beyond it wait for a connection and can time out in the pool, so a run with more
  /// windows in flight (up to Mixpanel's 100) needs at least that many.
  public var maxConnectionsPerHost = 8

  public init(
    endpoints: Endpoints, credentials: Credentials, userAgent: String = "mixpanel-lake",
    requestTimeoutSeconds: Int = 300, connectTimeoutSeconds: Int = 30, acceptGzip: Bool = true,
    workspaceID: Int? = nil
  ) {
    self.workspaceID = workspaceID
    self.acceptGzip = acceptGzip
    self.endpoints = endpoints
    self.credentials = credentials
    self.userAgent = userAgent
    self.requestTimeoutSeconds = requestTimeoutSeconds
    self.connectTimeoutSeconds = connectTimeoutSeconds
  }
}

/// Talks HTTP to Mixpanel's read APIs. Knows nothing about files: it hands the caller a streamed
/// body, already decompressed when the server sent `Content-Encoding: gzip`.
public struct MixpanelClient: Sendable {
  public let configuration: MixpanelClientConfiguration
  private let http: HTTPClient
  private let logger: Logger

  /// Runs `body` with a client whose connections are closed on return and on throw.
  public static func withClient<T>(
    configuration: MixpanelClientConfiguration, logger: Logger,
    _ body: (MixpanelClient) async throws -> T
  ) async throws -> T {
    var httpConfiguration = HTTPClient.Configuration(
      timeout: .init(
        connect: .seconds(Int64(configuration.connectTimeoutSeconds)),
        read: .seconds(Int64(configuration.requestTimeoutSeconds))),
      decompression: .enabled(limit: .none))
    httpConfiguration.httpVersion = .http1Only
    httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(
      8, configuration.maxConnectionsPerHost)
    return try await HTTPClient.withHTTPClient(configuration: httpConfiguration) { http in
      try await body(MixpanelClient(configuration: configuration, http: http, logger: logger))
    }
  }

  /// Streams one export: `consume` gets the body as byte chunks. Non-2xx answers throw
  /// ``MixpanelAPIError`` before `consume` is called.
  public func export<T>(
    _ request: ExportRequest, _ consume: (HTTPClientResponse.Body) async throws -> T
  ) async throws -> T {
    var items = request.queryItems
    if let projectID = configuration.credentials.projectID {
      items.insert(("project_id", String(projectID)), at: 0)
    }
    let url = "\(configuration.endpoints.exportBaseURL)/api/2.0/export?\(QueryString.encode(items))"
    let context = "export \(request.fromDate)..\(request.toDate)"
    var http = HTTPClientRequest(url: url)
    http.method = .GET
    http.headers.add(name: "Authorization", value: configuration.credentials.authorizationHeader)
    http.headers.add(name: "Accept", value: "text/plain")
    // Said explicitly both ways: the HTTP stack would otherwise offer gzip on its own.
    http.headers.add(name: "Accept-Encoding", value: configuration.acceptGzip ? "gzip" : "identity")
    http.headers.add(name: "User-Agent", value: configuration.userAgent)
    let response: HTTPClientResponse
    let sent = ContinuousClock.now
    do {
      do {
        response = try await self.http.execute(http, timeout: .hours(24), logger: logger)
      } catch
        where Self.isStaleConnection(error)
        && ContinuousClock.now - sent < configuration.staleConnectionWindow
      {
        // The server closed the kept-alive connection as this GET went out, before any answer:
        // send it once more, on a new connection (RFC 9112 §9.3.1). No attempt is used up. A
        // close after the server had the request for a while (an overloaded server, a proxy's
        // timeout) is an ordinary failure: backoff and the limiter apply.
        logger.debug("export.stale_connection_resent", metadata: ["context": "\(context)"])
        response = try await self.http.execute(http, timeout: .hours(24), logger: logger)
      }
    } catch {
      throw Self.transportError(error, context: context)
    }
    guard (200..<300).contains(Int(response.status.code)) else {
      let body = (try? await response.body.collect(upTo: 64 << 10)).map { Array(buffer: $0) } ?? []
      throw MixpanelAPIError.fromStatus(
        Int(response.status.code), body: body, retryAfter: response.headers.first(name: "Retry-After"),
        context: context, scrubber: configuration.credentials.scrubber)
    }
    return try await consume(response.body)
  }

  /// Whether a request failed because its pooled connection had been closed by the server before
  /// any response arrived (keep-alive's race with the server's idle timeout).
  static func isStaleConnection(_ error: any Error) -> Bool {
    if let error = error as? ChannelError, error == .ioOnClosedChannel { return true }
    if let error = error as? HTTPClientError, error == .remoteConnectionClosed { return true }
    // The close can also surface as a reset or a broken pipe while the request was written.
    if let error = error as? IOError, error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
      return true
    }
    return false
  }

  /// Maps an HTTP-stack error to a retryable transport error with a readable message.
  public static func transportError(_ error: any Error, context: String) -> MixpanelAPIError {
    if let error = error as? MixpanelAPIError { return error }
    let text = String(describing: error)
    // BoringSSL's answer when the bytes after the ClientHello are not TLS (an HTTP response).
    if text.contains("WRONG_VERSION_NUMBER") {
      return MixpanelAPIError(kind: .plainHTTPServer, status: nil, serverMessage: text, context: context)
    }
    return MixpanelAPIError(kind: .transport, status: nil, serverMessage: text, context: context)
  }
}
