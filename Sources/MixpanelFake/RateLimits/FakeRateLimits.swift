/// Mixpanel's rate limits for one API family (§12): a sliding hour, a one-second window (export
/// only), and a concurrency cap.
public struct FakeRateLimits: Sendable, Hashable {
  public var perHour: Int
  public var perSecond: Int
  public var maxConcurrent: Int
  /// Send `Retry-After: <seconds until a slot frees>` (in `FakeClock` seconds) with each 429.
  public var sendRetryAfter: Bool

  public init(perHour: Int = 60, perSecond: Int = 3, maxConcurrent: Int = 100, sendRetryAfter: Bool = false) {
    self.perHour = perHour
    self.perSecond = perSecond
    self.maxConcurrent = maxConcurrent
    self.sendRetryAfter = sendRetryAfter
  }

  /// The documented export limits: 60/hour, 3/second, 100 concurrent.
  public static let mixpanelExport = FakeRateLimits()

  /// The documented Query API limits, shared by every Query endpoint: 60/hour, 5 concurrent
  /// (no per-second limit).
  public static let mixpanelQuery = FakeRateLimits(perHour: 60, perSecond: Int.max, maxConcurrent: 5)
}
