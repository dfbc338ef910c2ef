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
