import NIOHTTP1

extension FakeProject {
  /// The HTTP status `engage` and `engage/properties` answer with instead of data (nil: they
  /// work). A plan without Query API access gets 402 here (§13.1).
  public var engageUnavailableStatus: Int? {
    unavailableStatus(.engage)
  }

  /// Makes `engage` and `engage/properties` answer `status` (e.g. 402) with a Query API error
  /// body, or work again with nil. Takes effect for requests that arrive afterwards.
  public func setEngageUnavailable(status: Int? = 402) {
    setUnavailable(.engage, status: status)
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
