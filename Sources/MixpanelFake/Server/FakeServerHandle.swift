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

  /// The project's current cut-off (epoch seconds; nil: everything is served).
  public var now: Int64? {
    self.project.now
  }

  /// Moves the project's `now`, e.g. to export at T1 and again at T2 against the same server.
  public func setNow(_ epochSeconds: Int64?) {
    self.project.setNow(epochSeconds)
  }

  /// How many times each fault kind has been injected (keys as in `FakeRequestLogEntry.fault`;
  /// answers cut by ``FakeFaults/maxLinesPerAnswer`` count as `answerTooLarge`, apart from the
  /// dice's `terminatedEarly`).
  public var injectedFaults: [String: Int] {
    self.faults.injectedCounts
  }
}
