/// Why one attempt at a request failed, as the ``RetryPolicy`` sees it.
public enum RetryableFailure: Error, Sendable, CustomStringConvertible {
  /// Mixpanel answered with an error status, or the request never got an answer (transport).
  case http(MixpanelAPIError)
  /// A `200` body ended mid-line or the connection dropped mid-body (mixpanel-api.md §4.5).
  case truncatedBody
  /// A `200` body held a line that is not a JSON object (§4.6).
  case invalidLine
  /// A `200` body carried a `terminated early` marker (§4.6).
  case terminatedEarly
  /// No bytes arrived for longer than the request timeout.
  case idleTimeout

  public var description: String {
    switch self {
    case .http(let error): return error.description
    case .truncatedBody: return "the response body was cut off"
    case .invalidLine: return "the response held a line that is not JSON"
    case .terminatedEarly: return "the server sent 'terminated early'"
    case .idleTimeout: return "no bytes arrived within the request timeout"
    }
  }
}
