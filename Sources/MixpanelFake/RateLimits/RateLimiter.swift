/// Admits or rejects the requests of one API family (export, or Query) against
/// `FakeRateLimits`, using the server's clock.
final class RateLimiter: Sendable {
  enum Family: Sendable {
    case export
    case query
  }

  enum Decision: Equatable {
    case admitted
    case rejected(message: String, retryAfterSeconds: Int)
  }

  private struct State {
    var admissions: [Duration] = []  // arrival times within the last hour, oldest first
    var running = 0
  }

  private let family: Family
  private let limits: FakeRateLimits
  private let clock: any FakeClock
  private let projectLabel: String
  private let state = Locked(State())

  init(family: Family = .export, limits: FakeRateLimits, clock: any FakeClock, projectLabel: String) {
    self.family = family
    self.limits = limits
    self.clock = clock
    self.projectLabel = projectLabel
  }

  /// On `.admitted` the caller must call `release()` exactly once when the response ends.
  func admit() -> Decision {
    let now = self.clock.now()
    return self.state.withLock { state in
      let hour = Duration.seconds(3_600)
      state.admissions.removeAll { now - $0 >= hour }
      if self.family == .query {
        return self.admitQuery(now: now, state: &state)
      }
      if state.running >= self.limits.maxConcurrent {
        return .rejected(
          message: "too many export requests in progress for this project", retryAfterSeconds: 1)
      }
      let lastSecond = state.admissions.filter { now - $0 < .seconds(1) }
      if lastSecond.count >= self.limits.perSecond {
        let wait = lastSecond[lastSecond.count - self.limits.perSecond] + .seconds(1) - now
        return .rejected(
          message:
            "Export rate limit exceeded for \(self.projectLabel): \(lastSecond.count)/\(self.limits.perSecond) queries in the last second",
          retryAfterSeconds: Self.ceilSeconds(wait))
      }
      if state.admissions.count >= self.limits.perHour {
        let wait = state.admissions[state.admissions.count - self.limits.perHour] + hour - now
        return .rejected(
          message:
            "Export rate limit exceeded for \(self.projectLabel): \(state.running)/\(self.limits.maxConcurrent) queries running concurrently and \(state.admissions.count + 1)/\(self.limits.perHour) queries in the last hour",
          retryAfterSeconds: Self.ceilSeconds(wait))
      }
      state.admissions.append(now)
      state.running += 1
      return .admitted
    }
  }

  /// The Query family: one message for both the hourly and the concurrency limit (§12.1).
  private func admitQuery(now: Duration, state: inout State) -> Decision {
    let hour = Duration.seconds(3_600)
    let concurrent = state.running >= self.limits.maxConcurrent
    let hourly = state.admissions.count >= self.limits.perHour
    guard concurrent || hourly else {
      state.admissions.append(now)
      state.running += 1
      return .admitted
    }
    let running = state.running + (concurrent ? 1 : 0)
    let lastHour = state.admissions.count + (hourly ? 1 : 0)
    let message =
      "Query rate limit exceeded for \(self.projectLabel). \(running)/\(self.limits.maxConcurrent) queries running concurrently and \(lastHour)/\(self.limits.perHour) queries running in the last hour. For more information, please consult our documentation at https://help.mixpanel.com/hc/en-us/articles/115004602563-Rate-Limits-for-Export-API-Endpoints"
    var wait = Duration.seconds(1)
    if hourly {
      wait = max(wait, state.admissions[state.admissions.count - self.limits.perHour] + hour - now)
    }
    return .rejected(message: message, retryAfterSeconds: Self.ceilSeconds(wait))
  }

  func release() {
    self.state.withLock { $0.running -= 1 }
  }

  private static func ceilSeconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
  }
}
