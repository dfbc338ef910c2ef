/// A failed call to Mixpanel, as one line that says what went wrong and what to do.
///
/// The message never holds a credential: it is built from the status, the server's error text
/// (scrubbed of every form of the secrets, which a server or proxy may echo) and the request's
/// path and dates, never from headers.
public struct MixpanelAPIError: Error, CustomStringConvertible, Sendable {
  /// What kind of failure this is; the retry policy and the exit code switch on it.
  public enum Kind: Sendable, Equatable {
    case badRequest, unauthorized, paymentRequired, forbidden, notFound
    case rateLimited, server, transport, unexpectedStatus
    /// An `https://` URL whose server answered in plain HTTP (a URL pointed at an HTTP port):
    /// a config mistake no retry can fix.
    case plainHTTPServer
  }

  public let kind: Kind
  /// HTTP status, when a response arrived.
  public let status: Int?
  /// The server's error text (lenient parse of the body), or the transport error.
  public let serverMessage: String
  /// Seconds to wait from a `Retry-After` header, when one came.
  public let retryAfterSeconds: Double?
  /// What the request was, e.g. `export 2024-06-01..2024-06-30`.
  public let context: String

  public init(
    kind: Kind, status: Int?, serverMessage: String, retryAfterSeconds: Double? = nil, context: String
  ) {
    self.kind = kind
    self.status = status
    self.serverMessage = serverMessage
    self.retryAfterSeconds = retryAfterSeconds
    self.context = context
  }

  /// Whether trying the same request again can succeed (429, 5xx, transport).
  public var isRetryable: Bool {
    switch kind {
    case .rateLimited, .server, .transport: return true
    default: return false
    }
  }

  /// Mixpanel's `400 "to_date cannot be later than today"`: the request's last day is after
  /// today in the zone Mixpanel reads the dates in.
  public var isToDateAfterToday: Bool {
    kind == .badRequest && serverMessage.contains("to_date cannot be later than today")
  }

  /// Whether the credentials or permissions are the problem (exit code 3).
  public var isAuthProblem: Bool {
    kind == .unauthorized || kind == .forbidden || kind == .paymentRequired
  }

  public var description: String {
    let statusText = status.map { "HTTP \($0)" } ?? "no response"
    let base = "\(context) failed (\(statusText)): \(serverMessage)"
    switch kind {
    case .unauthorized:
      return base
        + "; check the credentials (api_secret or MIXPANEL_API_SECRET; for a service account its username, secret and project_id) and the region/export_api_url"
    case .forbidden:
      return base
        + "; check that the credentials may read this project and that start_date is within your plan's history"
    case .paymentRequired:
      return base + "; the project's plan does not include this API"
    case .badRequest where serverMessage.contains("to_date"):
      return base
        + "; set project_timezone (and legacy_project_timezone for projects created before 2023) so 'today' matches Mixpanel's"
    case .badRequest:
      return base + "; check the config values this request was built from"
    case .rateLimited:
      return base + "; Mixpanel's rate limit was hit, lower max_concurrent_windows or the requests per hour"
    case .plainHTTPServer:
      return "\(context) failed: the server answered an https:// request in plain HTTP; "
        + "use http:// in export_api_url/query_api_url for a plain-HTTP server, or check the port"
    default:
      return base
    }
  }

  static func fromStatus(
    _ status: Int, body: [UInt8], retryAfter: String?, context: String, scrubber: SecretScrubber? = nil
  ) -> MixpanelAPIError {
    let kind: Kind
    switch status {
    case 400: kind = .badRequest
    case 401: kind = .unauthorized
    case 402: kind = .paymentRequired
    case 403: kind = .forbidden
    case 404: kind = .notFound
    case 429: kind = .rateLimited
    case 500...599: kind = .server
    default: kind = .unexpectedStatus
    }
    let message = ErrorBody.message(body)
    return MixpanelAPIError(
      kind: kind, status: status, serverMessage: scrubber?.scrub(message) ?? message,
      retryAfterSeconds: retryAfter.flatMap { RetryAfter.seconds($0) }, context: context)
  }
}
