import Foundation
import Logging
import MixpanelAPI

/// What a run of Query API streams is made of, shared by ``DailyStreamRun`` and
/// ``FullTableRun``: the config, the logger, the wall clock, the clock waits sleep on, the retry
/// policy, and the Query limiter (shared between runs, or made from the config's limits).
struct QueryRunSettings<C: Clock>: Sendable where C.Duration == Duration {
  let config: LakeConfig
  let logger: Logger
  let now: @Sendable () -> Date
  /// The clock rate-limit waits and retry backoff sleep on (tests inject a virtual one).
  let clock: C
  let retryPolicy: RetryPolicy
  /// The Query API limiter to share Mixpanel's 60/hour with other runs; nil: a new one.
  let sharedLimiter: RateLimiter<C>?

  init(
    config: LakeConfig, logger: Logger, clock: C, now: @escaping @Sendable () -> Date,
    retryPolicy: RetryPolicy?, limiter: RateLimiter<C>?
  ) {
    self.config = config
    self.logger = logger
    self.clock = clock
    self.now = now
    self.retryPolicy = retryPolicy ?? config.queryRetryPolicy
    self.sharedLimiter = limiter
  }

  /// A caller on the shared limiter, or on a new one with the config's Query limits.
  func makeCaller() -> QueryCaller<C> {
    let limiter = sharedLimiter ?? RateLimiter(policy: config.queryRateLimit, clock: clock, logger: logger)
    return QueryCaller(limiter: limiter, retryPolicy: retryPolicy, clock: clock, logger: logger)
  }
}
