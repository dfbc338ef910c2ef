/// The pure accounting behind a ``RateLimiter``: may a request start now, and if not, until when
/// must it wait?
///
/// It holds a sliding "hour" and a sliding "second" window (the policy's `hourWindow` and
/// `secondWindow`) of request start instants, the number
/// of requests in flight, and a penalty (after a 429, nothing starts before it ends). It never
/// reads a clock: every method takes `now`, so tests drive it with any `InstantProtocol`.
///
/// ```
/// tryAcquire(at: now)
///   penalty ends after now?            -> .wait(until: penalty end,         .penalty)
///   hour window full?                  -> .wait(until: oldest + hourWindow, .hourly)
///   second window full?                -> .wait(until: oldest + secondWindow, .perSecond)
///   (several at once: the latest instant wins)
///   maxConcurrent requests in flight?  -> .waitForRelease
///   otherwise                          -> .granted (records `now`, one more in flight)
/// ```
///
/// Every call is O(1) amortised; memory is bounded by the policy's limits.
public struct RateLimiterState<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
  /// Why a request has to wait until a known instant.
  public enum WaitReason: String, Sendable, Equatable {
    /// `requestsPerHour` starts in the last `hourWindow`.
    case hourly
    /// `requestsPerSecond` starts in the last second.
    case perSecond = "per_second"
    /// A 429 asked everyone to hold off (``RateLimiterState/penalize(until:)``).
    case penalty
  }

  /// What ``RateLimiterState/tryAcquire(at:)`` decided.
  public enum Decision: Sendable, Equatable {
    /// The request may start now; it holds a concurrency slot until ``RateLimiterState/release()``.
    case granted
    /// Ask again at `until`; nothing changes before then that could grant it earlier.
    case wait(until: Instant, reason: WaitReason)
    /// `maxConcurrent` requests are in flight; ask again after a ``RateLimiterState/release()``.
    case waitForRelease
  }

  public let policy: RateLimitPolicy
  /// Requests granted and not yet released.
  public private(set) var inFlight = 0
  /// Nothing is granted before this instant (set by a 429).
  public private(set) var penaltyUntil: Instant?

  private var hour: SlidingWindow<Instant>?
  private var second: SlidingWindow<Instant>?
  private var latest: Instant?

  public init(policy: RateLimitPolicy) {
    self.policy = policy
    self.hour = policy.requestsPerHour.map { SlidingWindow(limit: $0, length: policy.hourWindow) }
    self.second = policy.requestsPerSecond.map { SlidingWindow(limit: $0, length: policy.secondWindow) }
  }

  /// Requests started in the last `hourWindow` (as of the last call), or `nil` without an hourly limit.
  public var startedInLastHour: Int? { hour?.count }

  /// Whether this limiter's own counts leave room: under 90 % of the hourly budget and a slot
  /// free. A 429 then most likely comes from requests seen at a per-second boundary (or another
  /// client of the project), not from a spent budget.
  public var hasRoom: Bool {
    if let count = hour?.count, let limit = policy.requestsPerHour, count * 10 >= limit * 9 { return false }
    return policy.maxConcurrent.map { inFlight < $0 } ?? true
  }

  /// Grants a request starting at `now`, or says what it waits for.
  ///
  /// Instants must not go backwards between calls; an earlier `now` is treated as the latest seen.
  public mutating func tryAcquire(at now: Instant) -> Decision {
    let now = latest.map { max($0, now) } ?? now
    latest = now
    hour?.prune(at: now)
    second?.prune(at: now)

    var blocked: (until: Instant, reason: WaitReason)?
    func block(_ until: Instant?, _ reason: WaitReason) {
      guard let until, until > now else { return }
      if blocked.map({ until > $0.until }) ?? true { blocked = (until, reason) }
    }
    block(penaltyUntil, .penalty)
    block(hour?.fullUntil(), .hourly)
    block(second?.fullUntil(), .perSecond)
    if let blocked { return .wait(until: blocked.until, reason: blocked.reason) }

    if let maxConcurrent = policy.maxConcurrent, inFlight >= maxConcurrent { return .waitForRelease }

    hour?.record(now)
    second?.record(now)
    inFlight += 1
    return .granted
  }

  /// A granted request finished (successfully or not): frees its concurrency slot.
  ///
  /// Its start still counts against the hourly and per-second windows.
  public mutating func release() {
    precondition(inFlight > 0, "RateLimiterState.release() without a granted request")
    inFlight -= 1
  }

  /// After a 429: grant nothing before `until`. A later penalty extends, an earlier one is ignored.
  public mutating func penalize(until: Instant) {
    if penaltyUntil.map({ until > $0 }) ?? true { penaltyUntil = until }
  }
}
