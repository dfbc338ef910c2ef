import NIOHTTP1

extension FakeProject {
  /// The HTTP status `engage` and `engage/properties` answer with instead of data (nil: they
  /// work). A plan without Query API access gets 402 here (§13.1).
  public var engageUnavailableStatus: Int? {
    EngageSwitches.shared.status(for: self)
  }

  /// Makes `engage` and `engage/properties` answer `status` (e.g. 402) with a Query API error
  /// body, or work again with nil. Takes effect for requests that arrive afterwards.
  public func setEngageUnavailable(status: Int? = 402) {
    EngageSwitches.shared.set(status, for: self)
  }

  /// The error response the engage endpoints send while switched off.
  func engageUnavailableResponse(uri: String) -> ResponsePlan? {
    guard let status = self.engageUnavailableStatus else { return nil }
    let message =
      status == 402
      ? "Your plan does not allow API calls. Upgrade at mixpanel.com/pricing"
      : status >= 500 ? "unknown error" : "This endpoint is not available for this project"
    return .jsonError(HTTPResponseStatus(statusCode: status), message, request: uri)
  }
}

/// Per-project engage switches, keyed by the project's identity (see `RevenueSwitches`).
final class EngageSwitches: Sendable {
  private struct Entry {
    weak var project: FakeProject?
    var status: Int
  }

  static let shared = EngageSwitches()

  private let entries = Locked<[ObjectIdentifier: Entry]>([:])

  func status(for project: FakeProject) -> Int? {
    self.entries.withLock { entries in
      guard let entry = entries[ObjectIdentifier(project)], entry.project === project else { return nil }
      return entry.status
    }
  }

  func set(_ status: Int?, for project: FakeProject) {
    self.entries.withLock { entries in
      entries = entries.filter { $0.value.project != nil }
      entries[ObjectIdentifier(project)] = status.map { Entry(project: project, status: $0) }
    }
  }
}
