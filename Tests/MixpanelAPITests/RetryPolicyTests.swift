import MixpanelAPI
import Testing

/// Jitter that always picks the upper bound, so delays are the schedule's ceilings.
private let ceiling = RetryPolicy(jitter: { $0 })

private func http(_ kind: MixpanelAPIError.Kind, _ status: Int?, retryAfter: Double? = nil)
  -> RetryableFailure
{
  .http(
    MixpanelAPIError(
      kind: kind, status: status, serverMessage: "boom", retryAfterSeconds: retryAfter,
      context: "export 2024-06-01..2024-06-01"))
}

@Suite("Retry policy")
struct RetryPolicyTests {
  @Test(
    "client errors fail at once, whatever the attempt and window",
    arguments: [
      (MixpanelAPIError.Kind.badRequest, 400), (.unauthorized, 401), (.paymentRequired, 402),
      (.forbidden, 403), (.notFound, 404), (.unexpectedStatus, 302),
    ])
  func clientErrorsFail(kind: MixpanelAPIError.Kind, status: Int) {
    for (attempt, days) in [(1, 1), (1, 30), (5, 2)] {
      let decision = ceiling.decide(http(kind, status), attempt: attempt, windowDays: days)
      guard case .fail(let reason) = decision else {
        Issue.record("HTTP \(status) should fail, got \(decision)")
        continue
      }
      #expect(reason.contains("HTTP \(status)") && reason.contains("boom"))
    }
  }

  @Test(
    "transient failures retry after 2 s, 4 s, 8 s, 16 s, 32 s",
    arguments: [
      http(.server, 500), http(.server, 502), http(.server, 503), http(.server, 504), http(.transport, nil),
      .truncatedBody, .invalidLine, .terminatedEarly, .idleTimeout,
    ] as [RetryableFailure])
  func transientSchedule(failure: RetryableFailure) {
    let delays = (1...5).map { ceiling.decide(failure, attempt: $0, windowDays: 1) }
    #expect(delays == [2, 4, 8, 16, 32].map { .retry(after: .seconds($0)) })
  }

  @Test("429 without Retry-After retries after 30 s, 60 s, 120 s, 240 s, 480 s")
  func rateLimitSchedule() {
    let delays = (1...5).map { ceiling.decide(http(.rateLimited, 429), attempt: $0, windowDays: 1) }
    #expect(delays == [30, 60, 120, 240, 480].map { .retry(after: .seconds($0)) })
  }

  @Test(
    "a first 429 the limiter did not expect (its counts leave room) waits 1–2 s; a second one, or one with no room, backs off"
  )
  func unexpectedRateLimit() {
    let limited = http(.rateLimited, 429)
    #expect(
      ceiling.decide(limited, attempt: 1, windowDays: 1, limiterHasRoom: true) == .retry(after: .seconds(2)))
    let floor = RetryPolicy(jitter: { _ in .zero })
    #expect(
      floor.decide(limited, attempt: 1, windowDays: 1, limiterHasRoom: true) == .retry(after: .seconds(1)))
    #expect(
      ceiling.decide(limited, attempt: 2, windowDays: 1, limiterHasRoom: true) == .retry(after: .seconds(60)))
    #expect(
      ceiling.decide(limited, attempt: 1, windowDays: 1, limiterHasRoom: false) == .retry(after: .seconds(30))
    )
    // The server's Retry-After, and the Query API's minute, still rule.
    #expect(
      ceiling.decide(http(.rateLimited, 429, retryAfter: 7), attempt: 1, windowDays: 1, limiterHasRoom: true)
        == .retry(after: .seconds(8)))
  }

  @Test("backoff doubles up to its cap: 15 min for 429, 5 min for the rest")
  func caps() {
    let patient = RetryPolicy(maxAttempts: 100, jitter: { $0 })
    #expect(
      patient.decide(http(.rateLimited, 429), attempt: 6, windowDays: 1) == .retry(after: .seconds(900)))
    #expect(
      patient.decide(http(.rateLimited, 429), attempt: 99, windowDays: 1) == .retry(after: .seconds(900)))
    #expect(patient.decide(.truncatedBody, attempt: 8, windowDays: 1) == .retry(after: .seconds(256)))
    #expect(patient.decide(.truncatedBody, attempt: 9, windowDays: 1) == .retry(after: .seconds(300)))
    #expect(patient.decide(.truncatedBody, attempt: 99, windowDays: 1) == .retry(after: .seconds(300)))
    #expect(
      RetryPolicy.exponential(base: .seconds(1), cap: .seconds(10), failedAttempt: .max) == .seconds(10))
  }

  @Test("429 with Retry-After waits at least that long, with jitter only above it")
  func retryAfter() {
    let low = RetryPolicy(jitter: { _ in .zero })
    let high = RetryPolicy(jitter: { $0 })
    // Below max_retry_wait (an hour): retryAfterCeiling covers longer ones.
    for seconds in [0.5, 1, 7, 120, 3500] {
      let failure = http(.rateLimited, 429, retryAfter: seconds)
      let floor = Duration.milliseconds(Int64(seconds * 1000))
      #expect(low.decide(failure, attempt: 1, windowDays: 1) == .retry(after: floor))
      #expect(high.decide(failure, attempt: 4, windowDays: 1) == .retry(after: floor + .seconds(1)))
    }
    #expect(
      low.decide(http(.rateLimited, 429, retryAfter: 0), attempt: 1, windowDays: 1) == .retry(after: .zero))
  }

  @Test("full jitter stays within 0...ceiling, even when the jitter source misbehaves")
  func jitterBounds() {
    let half = RetryPolicy(jitter: { $0 / 2 })
    #expect(half.decide(.idleTimeout, attempt: 3, windowDays: 1) == .retry(after: .seconds(4)))
    let wild = RetryPolicy(jitter: { $0 * 10 })
    #expect(wild.decide(.idleTimeout, attempt: 1, windowDays: 1) == .retry(after: .seconds(2)))
    let negative = RetryPolicy(jitter: { _ in .seconds(-5) })
    #expect(negative.decide(.idleTimeout, attempt: 1, windowDays: 1) == .retry(after: .zero))
    let seconds7 = http(.rateLimited, 429, retryAfter: 7)
    #expect(negative.decide(seconds7, attempt: 1, windowDays: 1) == .retry(after: .seconds(7)))

    let system = RetryPolicy()
    for attempt in 1...5 {
      let bound = RetryPolicy.exponential(base: .seconds(30), cap: .seconds(900), failedAttempt: attempt)
      for _ in 0..<200 {
        guard case .retry(let delay) = system.decide(http(.rateLimited, 429), attempt: attempt, windowDays: 1)
        else {
          Issue.record("expected a retry")
          return
        }
        #expect(delay >= bound / 2 && delay <= bound, "a 429 waits at least half its ceiling")
      }
    }
    #expect(RetryPolicy.fullJitter(.zero) == .zero)
  }

  @Test(
    "exhausted transient failures split a window of two days or more, and fail a one-day window",
    arguments: [
      http(.server, 500), .truncatedBody, .invalidLine, .idleTimeout, .stalled, .emptyDayNotConfirmed,
    ] as [RetryableFailure])
  func exhaustion(failure: RetryableFailure) {
    #expect(ceiling.decide(failure, attempt: 6, windowDays: 2) == .split)
    #expect(ceiling.decide(failure, attempt: 6, windowDays: 31) == .split)
    #expect(ceiling.decide(failure, attempt: 7, windowDays: 2) == .split)
    guard case .fail(let reason) = ceiling.decide(failure, attempt: 6, windowDays: 1) else {
      Issue.record("a one-day window cannot be split")
      return
    }
    #expect(reason.contains("6 attempts") && reason.contains(failure.description))
  }

  @Test("a connection that fails before any byte never splits: halves would fail the same way")
  func transportNeverSplits() {
    for days in [1, 2, 30] {
      guard case .fail(let reason) = ceiling.decide(http(.transport, nil), attempt: 6, windowDays: days)
      else {
        Issue.record("a transport failure must not split a \(days)-day window")
        continue
      }
      #expect(reason.contains("6 attempts"))
    }
    #expect(ceiling.decide(http(.transport, nil), attempt: 1, windowDays: 30) == .retry(after: .seconds(2)))
  }

  @Test("'terminated early' splits a window of two days or more at once, and retries a one-day window")
  func terminatedEarlySplitsAtOnce() {
    #expect(ceiling.decide(.terminatedEarly, attempt: 1, windowDays: 2) == .split)
    #expect(ceiling.decide(.terminatedEarly, attempt: 1, windowDays: 30) == .split)
    #expect(ceiling.decide(.terminatedEarly, attempt: 1, windowDays: 1) == .retry(after: .seconds(2)))
    guard case .fail = ceiling.decide(.terminatedEarly, attempt: 6, windowDays: 1) else {
      Issue.record("a one-day window that keeps ending early fails once attempts run out")
      return
    }
  }

  @Test("Retry-After is waited max_retry_wait at most (an hour by default), seconds or HTTP date")
  func retryAfterCeiling() {
    #expect(
      ceiling.decide(http(.rateLimited, 429, retryAfter: 100_000), attempt: 1, windowDays: 1)
        == .retry(after: .seconds(3_600)))
    let short = RetryPolicy(maxRetryWait: .seconds(120), jitter: { $0 })
    #expect(
      short.decide(http(.rateLimited, 429, retryAfter: 100_000), attempt: 1, windowDays: 1)
        == .retry(after: .seconds(120)))
    #expect(
      short.decide(http(.rateLimited, 429, retryAfter: 119.5), attempt: 1, windowDays: 1)
        == .retry(after: .seconds(120)), "jitter never lifts a wait above the ceiling")
    #expect(
      short.decide(http(.rateLimited, 429, retryAfter: 5), attempt: 1, windowDays: 1)
        == .retry(after: .seconds(6)))
    let in2099 = RetryAfter.seconds("Thu, 01 Jan 2099 00:00:00 GMT")
    #expect(in2099 != nil)
    #expect(
      short.decide(http(.rateLimited, 429, retryAfter: in2099), attempt: 1, windowDays: 1)
        == .retry(after: .seconds(120)))
    var query = RetryPolicy.query(maxRetryWait: .seconds(90))
    query.jitter = { $0 }
    #expect(
      query.decide(http(.rateLimited, 429, retryAfter: 86_400), attempt: 1, windowDays: 1)
        == .retry(after: .seconds(90)))
  }

  @Test("exhausted 429s fail rather than split: halves would spend the same exhausted budget")
  func rateLimitExhaustion() {
    for days in [1, 2, 30] {
      let decision = ceiling.decide(http(.rateLimited, 429, retryAfter: 5), attempt: 6, windowDays: days)
      guard case .fail(let reason) = decision else {
        Issue.record("expected fail, got \(decision)")
        continue
      }
      #expect(reason.contains("rate limited") && reason.contains("HTTP 429"))
    }
  }

  @Test("maxAttempts counts the first request: with 1 there is no retry at all")
  func maxAttempts() {
    let once = RetryPolicy(maxAttempts: 1, jitter: { $0 })
    #expect(once.decide(.truncatedBody, attempt: 1, windowDays: 4) == .split)
    let three = RetryPolicy(maxAttempts: 3, jitter: { $0 })
    #expect(three.decide(.truncatedBody, attempt: 2, windowDays: 4) == .retry(after: .seconds(4)))
    #expect(three.decide(.truncatedBody, attempt: 3, windowDays: 4) == .split)
  }

  @Test("a 429 never retries at once: at least half the ceiling for export, 60 s for the Query API")
  func rateLimitFloors() {
    let eager = RetryPolicy(jitter: { _ in .zero })
    #expect(eager.decide(http(.rateLimited, 429), attempt: 1, windowDays: 1) == .retry(after: .seconds(15)))
    #expect(eager.decide(http(.rateLimited, 429), attempt: 2, windowDays: 1) == .retry(after: .seconds(30)))
    #expect(eager.decide(.truncatedBody, attempt: 1, windowDays: 1) == .retry(after: .zero))
    var query = RetryPolicy.query()
    query.jitter = { _ in .zero }
    #expect(query.decide(http(.rateLimited, 429), attempt: 1, windowDays: 1) == .retry(after: .seconds(60)))
    #expect(query.decide(http(.rateLimited, 429), attempt: 2, windowDays: 1) == .retry(after: .seconds(60)))
    #expect(query.decide(http(.rateLimited, 429), attempt: 3, windowDays: 1) == .retry(after: .seconds(120)))
    query.jitter = { $0 }
    #expect(query.decide(http(.rateLimited, 429), attempt: 1, windowDays: 1) == .retry(after: .seconds(60)))
    #expect(
      query.decide(http(.rateLimited, 429, retryAfter: 5), attempt: 1, windowDays: 1)
        == .retry(after: .seconds(6)), "the server's Retry-After is honoured as it is")
  }

  @Test("the defaults follow §12.2 and the schedule table")
  func defaults() {
    let policy = RetryPolicy()
    #expect(policy.maxAttempts == 6)
    #expect(policy.baseDelay == .seconds(30) && policy.maxDelay == .seconds(900))
    #expect(policy.transientBaseDelay == .seconds(2) && policy.transientMaxDelay == .seconds(300))
  }
}
