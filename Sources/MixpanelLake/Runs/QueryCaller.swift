import Lake
import Logging
import MixpanelAPI

/// Runs Query API calls under the project's one shared Query limiter (60/hour, 5 at once by
/// default) and retries them as ``RetryPolicy`` decides: a permit per attempt, a 429 holds
/// every caller off by its delay, and errors retrying cannot fix are thrown at once.
struct QueryCaller<C: Clock>: Sendable where C.Duration == Duration {
  let limiter: RateLimiter<C>
  let retryPolicy: RetryPolicy
  let clock: C
  let logger: Logger

  /// `body` once, or again after each retryable failure, until it succeeds or the policy gives up.
  func call<T>(
    _ context: String, stats: inout CallStats, _ body: () async throws -> T
  ) async throws -> T {
    var attempt = 1
    while true {
      do {
        stats.calls += 1
        return try await limiter.withPermit { try await body() }
      } catch {
        guard !Task.isCancelled, let http = error as? MixpanelAPIError else { throw error }
        switch retryPolicy.decide(.http(http), attempt: attempt, windowDays: 1) {
        case .retry(let delay):
          if http.kind == .rateLimited { await limiter.penalize(for: delay) }
          logger.warning(
            "query.retry",
            metadata: [
              "request": "\(context)", "attempt": "\(attempt)",
              "delay_seconds": "\(delay.components.seconds)",
              "error": "\(http)",
            ])
          stats.retries += 1
          try await clock.sleep(for: delay)
          attempt += 1
        case .split, .fail:
          throw error
        }
      }
    }
  }
}

/// Query calls and retries of one stream, for the run summary.
struct CallStats: Sendable {
  var calls = 0
  var retries = 0
}
