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
  /// Bytes trickled in too slowly (under 1 KiB per request timeout).
  case stalled
  /// An empty answer for a day that holds rows, and Mixpanel's count for it was not zero.
  case emptyDayNotConfirmed

  /// Failures of the same kind share a key (the status for HTTP errors): a run of requests that
  /// all fail alike points at a cause no retry fixes (a wrong region, a day too large).
  public var kindKey: String {
    switch self {
    case .http(let error): return "http-\(error.kind)-\(error.status.map(String.init) ?? "none")"
    case .truncatedBody: return "truncated"
    case .invalidLine: return "invalid-line"
    case .terminatedEarly: return "terminated-early"
    case .idleTimeout: return "idle-timeout"
    case .stalled: return "stalled"
    case .emptyDayNotConfirmed: return "empty-day"
    }
  }

  public var description: String {
    switch self {
    case .http(let error): return error.description
    case .truncatedBody: return "the response body was cut off"
    case .invalidLine: return "the response held a line that is not JSON"
    case .terminatedEarly: return "the server sent 'terminated early'"
    case .idleTimeout: return "no bytes arrived within the request timeout"
    case .stalled: return "the response stalled (under 1 KiB per request timeout)"
    case .emptyDayNotConfirmed: return "an empty answer for a day that Mixpanel counts events in"
    }
  }
}
