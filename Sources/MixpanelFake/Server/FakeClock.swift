/// The fake server's notion of "now": the time since some fixed origin. Drives rate-limit
/// windows and request-log timestamps, so tests can control time.
public protocol FakeClock: Sendable {
  func now() -> Duration
}

/// Real monotonic time, optionally sped up: with `scale: 3600` a simulated hour passes in one
/// real second.
public struct SystemFakeClock: FakeClock {
  private let origin: ContinuousClock.Instant
  public let scale: Double

  public init(scale: Double = 1) {
    self.origin = ContinuousClock.now
    self.scale = scale
  }

  public func now() -> Duration {
    (ContinuousClock.now - self.origin) * self.scale
  }
}

/// A clock that only moves when told to (for tests).
public final class ManualFakeClock: FakeClock {
  private let current: Locked<Duration>

  public init(start: Duration = .zero) {
    self.current = Locked(start)
  }

  public func now() -> Duration {
    self.current.withLock { $0 }
  }

  public func advance(by amount: Duration) {
    self.current.withLock { $0 += amount }
  }
}
