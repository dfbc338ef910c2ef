/// Decides, after a failed attempt, whether to retry (and after how long), split the window, or
/// give up. A pure value: no clock, no sleeping; the caller carries the decision out.
///
/// Attempt `n` is the number of the attempt that just failed (the first request is attempt 1).
/// Until `maxAttempts` attempts have failed, a retryable failure waits up to
/// `min(base * 2^(n-1), cap)`: a 5xx or a broken body with full jitter (a random delay in
/// `0...that`), a 429 with "equal" jitter (in `that/2...that`: retrying a rate limit at once only
/// spends another request of the budget):
///
/// | failed attempt | 429, no Retry-After (30 s, cap 15 min) | 5xx, transport, bad body (2 s, cap 5 min) |
/// | -------------- | -------------------------------------- | ----------------------------------------- |
/// | 1              | 15–30 s                                | ≤ 2 s                                     |
/// | 2              | 30–60 s                                | ≤ 4 s                                     |
/// | 3              | 1–2 min                                | ≤ 8 s                                     |
/// | 4              | 2–4 min                                | ≤ 16 s                                    |
/// | 5              | 4–8 min                                | ≤ 32 s                                    |
/// | 6 (default max)| split or fail                          | split or fail                             |
/// | 6+ (larger max)| ≤ 15 min (cap)                         | ≤ 64 s, 128 s, 256 s, then 5 min (cap)    |
///
/// A first 429 without `Retry-After` that the caller's limiter did not expect (its own counts
/// leave room, ``RateLimiter/claimShortWait()``) waits 1–2 s only (``unexpectedRateLimitDelay``).
///
/// ``query(maxAttempts:)`` is the Query API's policy: a 429 there waits 60 s at least (§12.2).
///
/// A 429 with `Retry-After: s` waits `s` plus a jitter of at most `retryAfterSpread` (1 s by
/// default): never less than the server asked, and never jittered below it, but never longer
/// than `maxRetryWait` (an hour by default, the `max_retry_wait` key): a `Retry-After` of days,
/// or an HTTP date years ahead, is a broken server or proxy, not a reason to sleep for days.
/// The caller should also ``RateLimiter/penalize(for:)`` its limiter by the same delay, so that
/// other requests to the same API hold off too.
///
/// 400, 401, 402, 403, 404 and other unexpected statuses fail at once: sending the same request
/// again cannot help. When retryable attempts run out:
///
/// | failure                                      | window ≥ 2 days | one-day window |
/// | -------------------------------------------- | --------------- | -------------- |
/// | 5xx, truncated, invalid line, idle timeout, stall, unconfirmed empty day | `.split` | `.fail` |
/// | transport (refused, reset, timed out before any byte) | `.fail` | `.fail`   |
/// | 429                                          | `.fail`         | `.fail`        |
///
/// A 429 never splits: halves are two requests against the same exhausted budget. A transport
/// failure never splits: a smaller window cannot fix a connection that fails before any byte.
/// `terminated early` on a window of two days or more splits at once, on the first attempt:
/// Mixpanel says so when an answer is too large or too slow, and the same request would end
/// early again.
public struct RetryPolicy: Sendable {
  /// Attempts per request, the first one included.
  public var maxAttempts: Int
  /// First wait after a 429 without `Retry-After`; doubles per failed attempt.
  public var baseDelay: Duration
  /// Longest wait after a 429 without `Retry-After`.
  public var maxDelay: Duration
  /// First wait after a 5xx, a transport error or a broken body; doubles per failed attempt.
  public var transientBaseDelay: Duration
  /// Longest wait after a 5xx, a transport error or a broken body.
  public var transientMaxDelay: Duration
  /// Jitter added above a server's `Retry-After`.
  public var retryAfterSpread: Duration
  /// Least wait after a 429 without `Retry-After`.
  public var minimumRateLimitDelay: Duration
  /// Longest wait a server's `Retry-After` can impose.
  public var maxRetryWait: Duration
  /// Wait after a first 429 without `Retry-After` that the caller's own limiter did not expect
  /// (its counts leave room): plus up to 1 s of jitter. Requests reach the server with jitter, so
  /// a per-second window seen differently on the two sides is the likely cause, and half a
  /// minute of backoff (for every window, through the limiter's penalty) would cost far more
  /// than one more request. A second 429 in a row backs off as usual.
  public var unexpectedRateLimitDelay: Duration
  /// Picks a delay in `0...bound` (full jitter). Tests inject a deterministic one.
  public var jitter: @Sendable (_ bound: Duration) -> Duration

  public init(
    maxAttempts: Int = 6,
    baseDelay: Duration = .seconds(30),
    maxDelay: Duration = .seconds(15 * 60),
    transientBaseDelay: Duration = .seconds(2),
    transientMaxDelay: Duration = .seconds(5 * 60),
    retryAfterSpread: Duration = .seconds(1),
    minimumRateLimitDelay: Duration = .zero, maxRetryWait: Duration = .seconds(3600),
    unexpectedRateLimitDelay: Duration = .seconds(1),
    jitter: @escaping @Sendable (_ bound: Duration) -> Duration = RetryPolicy.fullJitter
  ) {
    precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
    precondition(baseDelay >= .zero && transientBaseDelay >= .zero, "delays must not be negative")
    self.maxAttempts = maxAttempts
    self.baseDelay = baseDelay
    self.maxDelay = maxDelay
    self.transientBaseDelay = transientBaseDelay
    self.transientMaxDelay = transientMaxDelay
    self.retryAfterSpread = retryAfterSpread
    self.minimumRateLimitDelay = minimumRateLimitDelay
    self.maxRetryWait = maxRetryWait
    self.unexpectedRateLimitDelay = unexpectedRateLimitDelay
    self.jitter = jitter
  }

  /// For Query API calls: a 429 without `Retry-After` waits 60 s at least, then 60–120 s, …
  public static func query(maxAttempts: Int = 6, maxRetryWait: Duration = .seconds(3600)) -> RetryPolicy {
    RetryPolicy(
      maxAttempts: maxAttempts, baseDelay: .seconds(60), minimumRateLimitDelay: .seconds(60),
      maxRetryWait: maxRetryWait)
  }

  /// A uniformly random delay in `0...bound`, from the system's random source.
  @Sendable public static func fullJitter(_ bound: Duration) -> Duration {
    let nanoseconds = nanoseconds(bound)
    guard nanoseconds > 0 else { return .zero }
    return .nanoseconds(Int64.random(in: 0...nanoseconds))
  }

  /// What to do after attempt `attempt` (1-based) failed with `failure`.
  ///
  /// - Parameters:
  ///   - windowDays: days the request covers; pass 1 for requests that cannot be split
  ///     (engage pages, discovery calls…).
  ///   - limiterHasRoom: whether the caller's own limiter had room when a 429 came
  ///     (``RateLimiter/claimShortWait()``): a first such 429 waits ``unexpectedRateLimitDelay`` only.
  public func decide(_ failure: RetryableFailure, attempt: Int, windowDays: Int, limiterHasRoom: Bool = false)
    -> RetryDecision
  {
    precondition(attempt >= 1, "attempt numbers start at 1")
    let backoff: (base: Duration, cap: Duration)
    var retryAfter: Duration?
    switch failure {
    case .http(let error):
      switch error.kind {
      case .badRequest, .unauthorized, .paymentRequired, .forbidden, .notFound, .unexpectedStatus,
        .plainHTTPServer:
        return .fail(reason: error.description)
      case .rateLimited:
        guard attempt < maxAttempts else {
          return .fail(reason: "rate limited on \(attempt) attempts in a row: \(error.description)")
        }
        backoff = (baseDelay, maxDelay)
        retryAfter = error.retryAfterSeconds.map { Self.duration(seconds: $0) }
        if attempt == 1, retryAfter == nil, limiterHasRoom {
          let spread = Duration.seconds(1)
          return .retry(
            after: max(minimumRateLimitDelay, unexpectedRateLimitDelay + clamped(jitter(spread), to: spread)))
        }
      case .server, .transport:
        backoff = (transientBaseDelay, transientMaxDelay)
      }
    case .terminatedEarly where windowDays >= 2:
      // Mixpanel ends an answer early when it is too large or too slow: the same window again
      // ends early again, so split at once instead of spending attempts on it.
      return .split
    case .truncatedBody, .invalidLine, .terminatedEarly, .idleTimeout, .stalled, .emptyDayNotConfirmed:
      backoff = (transientBaseDelay, transientMaxDelay)
    }
    guard attempt < maxAttempts else {
      // A connection refused, reset or timed out before any byte of an answer is not about the
      // window's size: halves would fail the same way.
      let transport = if case .http(let error) = failure { error.kind == .transport } else { false }
      if windowDays >= 2, !transport { return .split }
      return .fail(reason: "gave up after \(attempt) attempts: \(failure.description)")
    }
    if let retryAfter {
      return .retry(
        after: min(maxRetryWait, retryAfter + clamped(jitter(retryAfterSpread), to: retryAfterSpread)))
    }
    let ceiling = Self.exponential(base: backoff.base, cap: backoff.cap, failedAttempt: attempt)
    if case .http(let error) = failure, error.kind == .rateLimited {
      let half = ceiling / 2
      return .retry(after: max(minimumRateLimitDelay, half + clamped(jitter(half), to: half)))
    }
    return .retry(after: clamped(jitter(ceiling), to: ceiling))
  }

  /// `min(base * 2^(failedAttempt-1), cap)`, without overflowing for large attempt numbers.
  public static func exponential(base: Duration, cap: Duration, failedAttempt: Int) -> Duration {
    var delay = base
    var doublings = failedAttempt - 1
    while doublings > 0, delay < cap {
      delay *= 2
      doublings -= 1
    }
    return min(delay, cap)
  }

  private func clamped(_ value: Duration, to bound: Duration) -> Duration {
    min(max(value, .zero), max(bound, .zero))
  }

  private static func duration(seconds: Double) -> Duration {
    guard seconds.isFinite, seconds > 0 else { return .zero }
    return .nanoseconds(Int64((min(seconds, 1e9) * 1e9).rounded(.up)))
  }

  private static func nanoseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}
