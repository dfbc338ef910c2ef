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

/// Thread-safe log of every request the server received.
public final class FakeRequestLog: Sendable {
  private let state = Locked<[FakeRequestLogEntry]>([])

  init() {}

  public var entries: [FakeRequestLogEntry] {
    self.state.withLock { $0 }
  }

  public var count: Int {
    self.state.withLock { $0.count }
  }

  func record(method: String, path: String, query: [(String, String)], arrival: Duration) -> Int {
    let visible = query.filter { !$0.0.lowercased().contains("secret") && $0.0 != "sig" && $0.0 != "api_key" }
      .map { FakeRequestLogEntry.QueryParameter(name: $0.0, value: $0.1) }
    return self.state.withLock { entries in
      let index = entries.count
      entries.append(
        FakeRequestLogEntry(
          index: index, arrival: arrival, method: method, path: path, query: visible, status: 0,
          bytesSent: 0, completed: false, fault: nil))
      return index
    }
  }

  func update(_ index: Int, _ body: (inout FakeRequestLogEntry) -> Void) {
    self.state.withLock { body(&$0[index]) }
  }
}
