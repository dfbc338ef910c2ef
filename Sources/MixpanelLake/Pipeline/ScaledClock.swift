/// A clock that runs `scale` times faster than real time: with `scale: 3600` a simulated hour of
/// rate-limit waiting passes in one real second. For simulations against the fake server (whose
/// `--time-scale` does the same), never for real Mixpanel.
public struct ScaledClock: Clock {
  public struct Instant: InstantProtocol {
    public let offset: Duration
    public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
    public func duration(to other: Instant) -> Duration { other.offset - offset }
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
  }

  public let scale: Double
  private let origin: ContinuousClock.Instant

  public init(scale: Double) {
    precondition(scale > 0, "scale must be positive")
    self.scale = scale
    self.origin = ContinuousClock.now
  }

  public var now: Instant { Instant(offset: origin.duration(to: ContinuousClock.now) * scale) }
  public var minimumResolution: Duration { .nanoseconds(1) }

  public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
    let remaining = now.duration(to: deadline)
    guard remaining > .zero else { return }
    try await ContinuousClock().sleep(for: remaining / scale)
  }
}
