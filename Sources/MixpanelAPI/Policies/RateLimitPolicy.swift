/// The documented limits of one Mixpanel API family (mixpanel-api.md §12); `nil` means unlimited.
///
/// Limits apply per project, so one ``RateLimiter`` per (project, API family) carries them out.
public struct RateLimitPolicy: Sendable, Equatable {
  /// Requests started in any sliding ``hourWindow``.
  public var requestsPerHour: Int?
  /// Requests started in any sliding ``secondWindow``.
  public var requestsPerSecond: Int?
  /// Requests in flight at once.
  public var maxConcurrent: Int?
  /// How long the "per second" window is kept: 1 s, or a little more for a server across a
  /// network. Requests reach Mixpanel with jitter (a new connection's handshake, a busy client),
  /// so three spaced exactly 1 s after the previous three can arrive 0.99 s after them and be
  /// refused; ``exportSecondWindow`` keeps that margin.
  public var secondWindow: Duration
  /// How long the hourly window is kept: 3600 s, or a little more for the same jitter. A request
  /// let through exactly an hour after the one it replaces can reach Mixpanel a moment early
  /// and be refused, and the 429's backoff costs far more than the margin.
  public var hourWindow: Duration

  /// The export policy's per-second window: 1.1 s, 10 % of the ramp for the margin.
  public static let exportSecondWindow = Duration.milliseconds(1_100)
  /// Mixpanel's policies' hourly window: an hour and 30 s, under 1 % of a run bound by the
  /// hourly budget (a year in 1-day windows: 6 h 3 m instead of 6 h).
  public static let mixpanelHourWindow = Duration.seconds(3_630)

  public init(
    requestsPerHour: Int?, requestsPerSecond: Int?, maxConcurrent: Int?, secondWindow: Duration = .seconds(1),
    hourWindow: Duration = .seconds(3_600)
  ) {
    precondition(requestsPerHour.map { $0 > 0 } ?? true, "requestsPerHour must be positive")
    precondition(requestsPerSecond.map { $0 > 0 } ?? true, "requestsPerSecond must be positive")
    precondition(maxConcurrent.map { $0 > 0 } ?? true, "maxConcurrent must be positive")
    precondition(secondWindow > .zero, "secondWindow must be positive")
    precondition(hourWindow > .zero, "hourWindow must be positive")
    self.requestsPerHour = requestsPerHour
    self.requestsPerSecond = requestsPerSecond
    self.maxConcurrent = maxConcurrent
    self.secondWindow = secondWindow
    self.hourWindow = hourWindow
  }

  /// Raw Event Export (`data*.mixpanel.com/api/2.0/export`): 60 / hour, 3 / second (kept over
  /// ``exportSecondWindow`` and ``mixpanelHourWindow``), 100 at once.
  public static let export = RateLimitPolicy(
    requestsPerHour: 60, requestsPerSecond: 3, maxConcurrent: 100, secondWindow: exportSecondWindow,
    hourWindow: mixpanelHourWindow)

  /// Query API (engage, cohorts, funnels, annotations, discovery…): 60 / hour (kept over
  /// ``mixpanelHourWindow``), 5 at once.
  public static let query = RateLimitPolicy(
    requestsPerHour: 60, requestsPerSecond: nil, maxConcurrent: 5, hourWindow: mixpanelHourWindow)

  /// No limits at all (tests, or a fake server without rate limits).
  public static let unlimited = RateLimitPolicy(
    requestsPerHour: nil, requestsPerSecond: nil, maxConcurrent: nil)
}
