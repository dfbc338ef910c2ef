/// A running fake server, valid inside `withFakeMixpanelServer`'s body.
public struct FakeServerHandle: Sendable {
  public let host: String
  public let port: Int
  /// Every request received so far.
  public let requestLog: FakeRequestLog
  public let project: FakeProject
  let faults: FaultInjector

  /// `http://127.0.0.1:PORT`
  public var baseURL: String {
    "http://\(self.host):\(self.port)"
  }

  /// How many times each fault kind has been injected (keys as in `FakeRequestLogEntry.fault`).
  public var injectedFaults: [String: Int] {
    self.faults.injectedCounts
  }
}
