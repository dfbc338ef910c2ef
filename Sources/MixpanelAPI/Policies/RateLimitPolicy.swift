/// The documented limits of one Mixpanel API family (mixpanel-api.md §12); `nil` means unlimited.
///
/// Limits apply per project, so one ``RateLimiter`` per (project, API family) carries them out.
public struct RateLimitPolicy: Sendable, Equatable {
  /// Requests started in any sliding 3600 s window.
  public var requestsPerHour: Int?
  /// Requests started in any sliding 1 s window.
  public var requestsPerSecond: Int?
  /// Requests in flight at once.
  public var maxConcurrent: Int?
  /// How long the "per second" window is kept: 1 s, or a little more for a server across a
  /// network. Requests reach Mixpanel with jitter (a new connection's handshake, a busy client),
  /// so three spaced exactly 1 s after the previous three can arrive 0.99 s after them and be
  /// refused; ``exportSecondWindow`` keeps that margin.
  public var secondWindow: Duration

  /// The export policy's per-second window: 1.1 s, 10 % of the ramp for the margin.
  public static let exportSecondWindow = Duration.milliseconds(1_100)

  public init(
    requestsPerHour: Int?, requestsPerSecond: Int?, maxConcurrent: Int?, secondWindow: Duration = .seconds(1)
  ) {
    precondition(requestsPerHour.map { $0 > 0 } ?? true, "requestsPerHour must be positive")
    precondition(requestsPerSecond.map { $0 > 0 } ?? true, "requestsPerSecond must be positive")
    precondition(maxConcurrent.map { $0 > 0 } ?? true, "maxConcurrent must be positive")
    precondition(secondWindow > .zero, "secondWindow must be positive")
    self.requestsPerHour = requestsPerHour
    self.requestsPerSecond = requestsPerSecond
    self.maxConcurrent = maxConcurrent
    self.secondWindow = secondWindow
  }

  /// Raw Event Export (`data*.mixpanel.com/api/2.0/export`): 60 / hour, 3 / second (kept over
  /// ``exportSecondWindow``), 100 at once.
  public static let export = RateLimitPolicy(
    requestsPerHour: 60, requestsPerSecond: 3, maxConcurrent: 100, secondWindow: exportSecondWindow)

  /// Query API (engage, cohorts, funnels, annotations, discovery…): 60 / hour, 5 at once.
  public static let query = RateLimitPolicy(requestsPerHour: 60, requestsPerSecond: nil, maxConcurrent: 5)

  /// No limits at all (tests, or a fake server without rate limits).
  public static let unlimited = RateLimitPolicy(
    requestsPerHour: nil, requestsPerSecond: nil, maxConcurrent: nil)
}
