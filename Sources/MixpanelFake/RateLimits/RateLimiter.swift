/// Admits or rejects export requests against `FakeRateLimits`, using the server's clock.
final class RateLimiter: Sendable {
  enum Decision: Equatable {
    case admitted
    case rejected(message: String, retryAfterSeconds: Int)
  }

  private struct State {
    var admissions: [Duration] = []  // arrival times within the last hour, oldest first
    var running = 0
  }

  private let limits: FakeRateLimits
  private let clock: any FakeClock
  private let projectLabel: String
  private let state = Locked(State())

  init(limits: FakeRateLimits, clock: any FakeClock, projectLabel: String) {
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

  func release() {
    self.state.withLock { $0.running -= 1 }
  }

  private static func ceilSeconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
  }
}
