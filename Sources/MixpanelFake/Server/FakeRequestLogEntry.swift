/// One request the fake server received.
public struct FakeRequestLogEntry: Sendable, Hashable {
  /// 0, 1, 2, … in arrival order.
  public let index: Int
  /// Arrival time according to the server's `FakeClock`.
  public let arrival: Duration
  public let method: String
  /// Path without the query string.
  public let path: String
  /// Query parameters in order, with anything secret-looking removed.
  public let query: [QueryParameter]
  /// Response status (0 while the request is still being processed).
  public internal(set) var status: Int
  /// Response body bytes handed to the socket (after gzip when compressed).
  public internal(set) var bytesSent: Int
  /// The response finished (fully written, or the connection was cut by a fault).
  public internal(set) var completed: Bool
  /// Name of the injected fault, if any (`"status5xx"`, `"cutMidLine"`, `"rateLimit"`, …).
  public internal(set) var fault: String?

  public struct QueryParameter: Sendable, Hashable {
    public let name: String
    public let value: String
  }

  /// First value of parameter `name`.
  public func queryValue(_ name: String) -> String? {
    self.query.first { $0.name == name }?.value
  }
}
