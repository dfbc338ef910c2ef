public import Logging
import NIOConcurrencyHelpers

/// Paces requests to one Mixpanel API family of one project: carries out the decisions of a
/// ``RateLimiterState`` by sleeping on an injected `Clock`.
///
/// Waiters are served first come, first served: only the head of the queue asks the state and
/// sleeps; the others are parked until they reach the head. A cancelled waiter leaves the queue
/// with `CancellationError` and holds no permit.
///
/// ```swift
/// let limiter = RateLimiter(policy: .export, clock: ContinuousClock(), logger: logger)
/// let body = try await limiter.withPermit { try await client.export(request) }
/// ```
public actor RateLimiter<C: Clock> where C.Duration == Duration {
  public let policy: RateLimitPolicy
  /// Acquires that had to wait at least once.
  public private(set) var waits = 0
  /// Time spent waiting, summed over all acquires.
  public private(set) var totalWaited: Duration = .zero
  /// Permits handed out.
  public private(set) var granted = 0

  private let clock: C
  private let logger: Logger
  private var state: RateLimiterState<C.Instant>
  /// Tickets of the waiting acquires, oldest first.
  private var queue: [UInt64] = []
  /// Parked waiters: not at the head yet, or at the head and waiting for a release. Behind a
  /// lock so a cancellation handler can wake its waiter synchronously.
  private let parked = NIOLockedValueBox<[UInt64: CheckedContinuation<Void, any Error>]>([:])
  private var nextTicket: UInt64 = 0

  public init(policy: RateLimitPolicy, clock: C, logger: Logger) {
    self.policy = policy
    self.clock = clock
    self.logger = logger
    self.state = RateLimiterState(policy: policy)
  }

  /// Requests granted and not yet released.
  public var inFlight: Int { state.inFlight }
  /// Acquires waiting for a permit.
  public var waiting: Int { queue.count }
  /// When short waits after a 429 were granted, over the last minute.
  private var shortWaits: [C.Instant] = []

  /// Whether a 429 may be answered with a short wait (``RetryPolicy/unexpectedRateLimitDelay``):
  /// the counts leave room (``RateLimiterState/hasRoom``), and fewer short waits than requests a second (3 for export; 1
  /// without a per-second limit) were granted in the last minute. Enough for the requests of one
  /// second seen at a boundary; a run that meets a budget another client spent sends a few
  /// extra requests a minute, not one more for every window.
  public func claimShortWait() -> Bool {
    let now = clock.now
    shortWaits.removeAll { $0.duration(to: now) >= .seconds(60) }
    guard state.hasRoom, shortWaits.count < (policy.requestsPerSecond ?? 1) else { return false }
    shortWaits.append(now)
    return true
  }

  /// Waits until a request may start, then takes a permit; call ``release()`` when it finishes.
  ///
  /// - Throws: `CancellationError` if the task is cancelled while waiting (no permit is taken).
  public func acquire() async throws {
    try Task.checkCancellation()
    let ticket = nextTicket
    nextTicket += 1
    queue.append(ticket)
    let arrived = clock.now
    var waited = false
    do {
      while true {
        guard queue.first == ticket else {
          waited = true
          try await park(ticket)
          continue
        }
        let now = clock.now
        switch state.tryAcquire(at: now) {
        case .granted:
          leaveQueue(ticket)
          granted += 1
          if waited {
            waits += 1
            totalWaited += arrived.duration(to: now)
          }
          return
        case .wait(let until, let reason):
          waited = true
          logWait(seconds: now.duration(to: until), reason: reason.rawValue)
          try await clock.sleep(until: until, tolerance: nil)
        case .waitForRelease:
          waited = true
          logWait(seconds: nil, reason: "concurrency")
          try await park(ticket)
        }
      }
    } catch {
      leaveQueue(ticket)
      throw error
    }
  }

  /// A request finished (successfully or not): frees its concurrency slot.
  public func release() {
    state.release()
    if let head = queue.first { unpark(head) }
  }

  /// After a 429: no request starts in the next `duration`, whoever asks.
  public func penalize(for duration: Duration) {
    state.penalize(until: clock.now.advanced(by: duration))
    logger.info("ratelimit.penalty", metadata: ["seconds": "\(duration.inSeconds)"])
  }

  /// Acquires a permit, runs `body`, and releases the permit when `body` returns or throws.
  public func withPermit<T>(
    isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
  ) async throws -> T {
    try await acquire()
    do {
      let result = try await body()
      await release()
      return result
    } catch {
      await release()
      throw error
    }
  }

  // MARK: - Waiting

  private func park(_ ticket: UInt64) async throws {
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        // Checked under the lock: a handler that ran before this found nothing to wake.
        let cancelled = parked.withLockedValue { parked in
          if Task.isCancelled { return true }
          parked[ticket] = continuation
          return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
      }
    } onCancel: { [parked] in
      parked.withLockedValue { $0.removeValue(forKey: ticket) }?.resume(throwing: CancellationError())
    }
  }

  private func unpark(_ ticket: UInt64) {
    parked.withLockedValue { $0.removeValue(forKey: ticket) }?.resume()
  }

  /// Removes `ticket` from the queue and lets the new head (if any) ask.
  private func leaveQueue(_ ticket: UInt64) {
    guard let index = queue.firstIndex(of: ticket) else { return }
    queue.remove(at: index)
    if index == 0, let head = queue.first { unpark(head) }
  }

  private func logWait(seconds: Duration?, reason: String) {
    var metadata: Logger.Metadata = ["reason": "\(reason)", "in_flight": "\(state.inFlight)"]
    if let seconds { metadata["seconds"] = "\(seconds.inSeconds)" }
    logger.info("ratelimit.wait", metadata: metadata)
  }
}

extension RateLimiter where C == ContinuousClock {
  /// A limiter on the real, monotonic clock.
  public init(policy: RateLimitPolicy, logger: Logger) {
    self.init(policy: policy, clock: ContinuousClock(), logger: logger)
  }
}
