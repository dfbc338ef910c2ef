/// Where a Mixpanel project's data lives; every call must go to its region's hosts (§1).
public enum Region: String, Sendable, CaseIterable {
  case us, eu, `in`

  /// Base URL of the raw export API.
  public var exportBaseURL: String {
    switch self {
    case .us: return "https://data.mixpanel.com"
    case .eu: return "https://data-eu.mixpanel.com"
    case .in: return "https://data-in.mixpanel.com"
    }
  }

  /// Base URL of the Query and App APIs.
  public var queryBaseURL: String {
    switch self {
    case .us: return "https://mixpanel.com"
    case .eu: return "https://eu.mixpanel.com"
    case .in: return "https://in.mixpanel.com"
    }
  }
}

/// The base URLs a client talks to: the region's, or overrides (proxies, tests, the fake).
public struct Endpoints: Sendable, Equatable {
  public var exportBaseURL: String
  public var queryBaseURL: String

  public init(region: Region, exportBaseURL: String? = nil, queryBaseURL: String? = nil) {
    self.exportBaseURL = Self.trimmed(exportBaseURL ?? region.exportBaseURL)
    self.queryBaseURL = Self.trimmed(queryBaseURL ?? region.queryBaseURL)
  }

  private static func trimmed(_ url: String) -> String {
    var url = url
    while url.hasSuffix("/") { url.removeLast() }
    return url
  }
}
