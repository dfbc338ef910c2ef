import Synchronization

/// A clock whose sleeps return at once, moving its time forward to the deadline: retry backoff
/// and rate-limit waits cost no real time, and what they would have waited is observable.
public final class VirtualClock: Clock, Sendable {
  public struct Instant: InstantProtocol {
    public let offset: Duration
    public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
    public func duration(to other: Instant) -> Duration { other.offset - offset }
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
  }

  private let current = Mutex(Duration.zero)
  private let sleeps = Mutex([Duration]())

  public init() {}

  public var now: Instant { Instant(offset: current.withLock { $0 }) }
  public var minimumResolution: Duration { .nanoseconds(1) }

  /// Every sleep requested so far, in order.
  public var requestedSleeps: [Duration] { sleeps.withLock { $0 } }

  public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
    try Task.checkCancellation()
    current.withLock { now in
      sleeps.withLock { $0.append(max(.zero, deadline.offset - now)) }
      now = max(now, deadline.offset)
    }
    await Task.yield()
  }
}
