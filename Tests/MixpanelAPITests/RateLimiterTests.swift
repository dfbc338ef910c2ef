import Foundation
import Logging
import MixpanelAPI
import MixpanelFake
import TestSupport
import Testing

/// Collects log lines so tests can check what the limiter said.
final class LogRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [(message: String, metadata: Logger.Metadata)] = []
  var messages: [String] { lock.withLock { lines.map(\.message) } }
  var metadata: [Logger.Metadata] { lock.withLock { lines.map(\.metadata) } }
  func append(_ message: String, _ metadata: Logger.Metadata) {
    lock.withLock { lines.append((message, metadata)) }
  }

  var logger: Logger { Logger(label: "test") { _ in Handler(recorder: self) } }

  struct Handler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { recorder.append(event.message.description, event.metadata ?? [:]) }
  }
}

/// Yields until `condition` holds (no wall time involved); records an issue if it never does.
func eventually(
  _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async -> Bool
) async {
  for _ in 0..<100_000 {
    if await condition() { return }
    await Task.yield()
  }
  Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
}

typealias State = RateLimiterState<ManualClock.Instant>

@Suite("Rate limiter state (pure accounting)")
struct RateLimiterStateTests {
  @Test("a per-second limit grants 3 per second, then waits until the oldest start + 1 s")
  func perSecond() {
    var state = State(policy: RateLimitPolicy(requestsPerHour: 60, requestsPerSecond: 3, maxConcurrent: 100))
    for t in [0.0, 0.2, 0.4] { #expect(state.tryAcquire(at: .at(t)) == .granted) }
    #expect(state.tryAcquire(at: .at(0.5)) == .wait(until: .at(1.0), reason: .perSecond))
    #expect(state.tryAcquire(at: .at(0.999)) == .wait(until: .at(1.0), reason: .perSecond))
    #expect(state.tryAcquire(at: .at(1.0)) == .granted)
    #expect(state.tryAcquire(at: .at(1.0)) == .wait(until: .at(1.2), reason: .perSecond))
  }

  @Test(
    "the export policy keeps its second over 1.1 s: requests spaced exactly 1 s apart can reach Mixpanel 0.99 s apart"
  )
  func exportMargin() {
    var state = State(policy: .export)
    for t in [0.0, 0.2, 0.4] { #expect(state.tryAcquire(at: .at(t)) == .granted) }
    #expect(state.tryAcquire(at: .at(1.0)) == .wait(until: .at(1.1), reason: .perSecond))
    #expect(state.tryAcquire(at: .at(1.1)) == .granted)
    #expect(state.tryAcquire(at: .at(1.1)) == .wait(until: .at(1.3), reason: .perSecond))
  }

  @Test("room: under 90 % of the hourly budget and a slot free")
  func room() {
    var state = State(policy: RateLimitPolicy(requestsPerHour: 10, requestsPerSecond: nil, maxConcurrent: 2))
    #expect(state.hasRoom)
    #expect(state.tryAcquire(at: .at(0)) == .granted)
    #expect(state.tryAcquire(at: .at(0)) == .granted)
    #expect(!state.hasRoom, "both slots taken")
    state.release()
    state.release()
    for _ in 0..<6 {
      #expect(state.tryAcquire(at: .at(1)) == .granted)
      state.release()
    }
    #expect(state.hasRoom, "8 of 10 this hour")
    #expect(state.tryAcquire(at: .at(2)) == .granted)
    state.release()
    #expect(!state.hasRoom, "9 of 10 this hour")
  }

  @Test("60 per hour: a full hour at the fastest pace, then the 61st waits until the oldest + 3600 s")
  func hourly() {
    var state = State(policy: RateLimitPolicy(requestsPerHour: 60, requestsPerSecond: 3, maxConcurrent: 100))
    var now = ManualClock.Instant.at(0)
    var starts: [ManualClock.Instant] = []
    while starts.count < 60 {
      switch state.tryAcquire(at: now) {
      case .granted:
        starts.append(now)
        state.release()
      case .wait(let until, let reason):
        #expect(reason == .perSecond)
        now = until
      case .waitForRelease:
        Issue.record("nothing is in flight")
        return
      }
    }
    #expect(starts.last == .at(19))  // 3 per second: 20 seconds for 60 requests
    #expect(state.startedInLastHour == 60)
    #expect(state.tryAcquire(at: .at(20)) == .wait(until: .at(3600), reason: .hourly))
    #expect(state.tryAcquire(at: .at(3599.999)) == .wait(until: .at(3600), reason: .hourly))
    #expect(state.tryAcquire(at: .at(3600)) == .granted)
  }

  @Test("never more than maxConcurrent in flight; a release frees a slot")
  func concurrency() {
    var state = State(policy: RateLimitPolicy(requestsPerHour: nil, requestsPerSecond: nil, maxConcurrent: 2))
    #expect(state.tryAcquire(at: .at(0)) == .granted)
    #expect(state.tryAcquire(at: .at(0)) == .granted)
    #expect(state.tryAcquire(at: .at(0)) == .waitForRelease)
    #expect(state.inFlight == 2)
    state.release()
    #expect(state.tryAcquire(at: .at(5)) == .granted)
    #expect(state.tryAcquire(at: .at(5)) == .waitForRelease)
  }

  @Test("a penalty holds every request until it ends; only a later one extends it")
  func penalty() {
    var state = State(policy: .query)
    #expect(state.tryAcquire(at: .at(0)) == .granted)
    state.penalize(until: .at(30))
    state.penalize(until: .at(10))
    #expect(state.tryAcquire(at: .at(1)) == .wait(until: .at(30), reason: .penalty))
    state.penalize(until: .at(60))
    #expect(state.tryAcquire(at: .at(29)) == .wait(until: .at(60), reason: .penalty))
    #expect(state.tryAcquire(at: .at(60)) == .granted)
  }

  @Test("when several limits bind, the wait is until the latest of them")
  func latestWins() {
    var state = State(policy: RateLimitPolicy(requestsPerHour: 2, requestsPerSecond: 1, maxConcurrent: nil))
    #expect(state.tryAcquire(at: .at(0)) == .granted)
    #expect(state.tryAcquire(at: .at(1)) == .granted)
    #expect(state.tryAcquire(at: .at(1.5)) == .wait(until: .at(3600), reason: .hourly))
    state.penalize(until: .at(4000))
    #expect(state.tryAcquire(at: .at(1.5)) == .wait(until: .at(4000), reason: .penalty))
  }

  @Test("concurrency is checked after the windows, and a time wait is exact")
  func timeBeforeConcurrency() {
    var state = State(policy: RateLimitPolicy(requestsPerHour: nil, requestsPerSecond: 1, maxConcurrent: 1))
    #expect(state.tryAcquire(at: .at(0)) == .granted)
    #expect(state.tryAcquire(at: .at(0.5)) == .wait(until: .at(1), reason: .perSecond))
    #expect(state.tryAcquire(at: .at(1)) == .waitForRelease)
    state.release()
    #expect(state.tryAcquire(at: .at(1)) == .granted)
  }

  @Test("over a long seeded random run, no 1 s or 3600 s window and no instant exceeds the policy")
  func invariants() {
    for policy in [
      RateLimitPolicy.export, .query,
      RateLimitPolicy(requestsPerHour: 7, requestsPerSecond: 2, maxConcurrent: 3),
    ] {
      var random = SplitMix64(seed: 42)
      var state = State(policy: policy)
      var now = ManualClock.Instant.at(0)
      var grants: [ManualClock.Instant] = []
      var inFlight = 0
      var reasons: Set<String> = []
      for _ in 0..<20_000 {
        now = now.advanced(
          by: .milliseconds(Int64.random(in: 0...(random.next() % 50 == 0 ? 900_000 : 700), using: &random)))
        if inFlight > 0, Bool.random(using: &random) {
          state.release()
          inFlight -= 1
          continue
        }
        var probe = state  // a value: asking a copy changes nothing
        let decision = state.tryAcquire(at: now)
        #expect(probe.tryAcquire(at: now) == decision)
        switch decision {
        case .granted:
          grants.append(now)
          inFlight += 1
        case .wait(let until, let reason):
          reasons.insert(reason.rawValue)
          #expect(until > now)
          // The wait is exact: asking again at `until` gets past every time limit.
          if case .wait(let again, _) = probe.tryAcquire(at: until) {
            Issue.record("still waiting at \(until): \(again)")
          }
        case .waitForRelease:
          reasons.insert("concurrency")
          #expect(inFlight == policy.maxConcurrent)
        }
        #expect(inFlight <= policy.maxConcurrent ?? .max)
        #expect(state.inFlight == inFlight)
      }
      #expect(grants.count > 100)
      let expected = [
        policy.requestsPerHour.map { _ in "hourly" }, policy.requestsPerSecond.map { _ in "per_second" },
        policy.maxConcurrent.flatMap { $0 < policy.requestsPerHour ?? .max ? "concurrency" : nil },
      ]
      #expect(reasons == Set(expected.compactMap { $0 }), "every limit was reached at least once")
      for (limit, window) in [
        (policy.requestsPerSecond, Duration.seconds(1)), (policy.requestsPerHour, .seconds(3600)),
      ] {
        guard let limit else { continue }
        var low = 0
        for (high, start) in grants.enumerated() {
          while grants[low].advanced(by: window) <= start { low += 1 }
          #expect(high - low + 1 <= limit, "\(high - low + 1) starts within \(window) ending at \(start)")
        }
      }
    }
  }
}

/// Records the order in which tasks got their permits.
actor Arrivals {
  private(set) var order: [Int] = []
  func append(_ id: Int) { order.append(id) }
}

@Suite("Rate limiter actor (carries the decisions out on a clock)")
struct RateLimiterActorTests {
  let clock = ManualClock()
  let log = LogRecorder()

  func limiter(_ policy: RateLimitPolicy) -> RateLimiter<ManualClock> {
    RateLimiter(policy: policy, clock: clock, logger: log.logger)
  }

  @Test(
    "short waits after a 429: at most one second's requests a minute, and none once the hour is nearly spent")
  func shortWaits() async throws {
    let limiter = limiter(.export)
    for _ in 0..<3 { #expect(await limiter.claimShortWait()) }
    #expect(await !limiter.claimShortWait(), "a fourth within the minute backs off as usual")
    clock.advance(by: .seconds(60))
    #expect(await limiter.claimShortWait())
    let spent = self.limiter(RateLimitPolicy(requestsPerHour: 10, requestsPerSecond: nil, maxConcurrent: nil))
    for _ in 0..<9 {
      try await spent.acquire()
      await spent.release()
    }
    #expect(await !spent.claimShortWait(), "9 of 10 this hour: a 429 means the budget")
  }

  @Test("serves queued waiters first come, first served as the clock advances")
  func fifo() async throws {
    let limiter = limiter(RateLimitPolicy(requestsPerHour: nil, requestsPerSecond: 1, maxConcurrent: nil))
    try await limiter.acquire()
    let arrivals = Arrivals()
    var tasks: [Task<Void, any Error>] = []
    for id in 0..<4 {
      tasks.append(
        Task {
          try await limiter.acquire()
          await arrivals.append(id)
        })
      await eventually("waiter \(id) queued") { await limiter.waiting == id + 1 }
    }
    for served in 1...4 {
      await eventually("the head sleeps") { clock.sleeperCount == 1 }
      clock.advance(by: .seconds(1))
      await eventually("\(served) served") { await arrivals.order.count == served }
    }
    for task in tasks { try await task.value }
    #expect(await arrivals.order == [0, 1, 2, 3])
    #expect(await limiter.granted == 5)
    #expect(await limiter.waits == 4)
    #expect(await limiter.totalWaited == .seconds(1 + 2 + 3 + 4))
    #expect(await limiter.inFlight == 5)
    #expect(log.messages.allSatisfy { $0 == "ratelimit.wait" })
    #expect(log.metadata.first?["reason"] == "per_second")
    #expect(log.metadata.first?["seconds"] == "1.0")
  }

  @Test("a waiter cancelled while parked throws CancellationError and takes no permit")
  func cancelParked() async throws {
    let limiter = limiter(RateLimitPolicy(requestsPerHour: nil, requestsPerSecond: nil, maxConcurrent: 1))
    try await limiter.acquire()
    let first = Task { try await limiter.acquire() }
    await eventually("first waits for a release") { await limiter.waiting == 1 }
    let second = Task { try await limiter.acquire() }
    await eventually("second queued") { await limiter.waiting == 2 }
    #expect(log.metadata.first?["reason"] == "concurrency")

    first.cancel()
    await #expect(throws: CancellationError.self) { try await first.value }
    #expect(await limiter.waiting == 1)
    #expect(await limiter.inFlight == 1)

    await limiter.release()
    try await second.value
    #expect(await limiter.inFlight == 1)
    #expect(await limiter.granted == 2)
    await limiter.release()
    #expect(await limiter.inFlight == 0)
  }

  @Test("a waiter cancelled while sleeping on the clock throws, and the next one takes its turn")
  func cancelSleeping() async throws {
    let limiter = limiter(RateLimitPolicy(requestsPerHour: nil, requestsPerSecond: 1, maxConcurrent: nil))
    try await limiter.acquire()
    let first = Task { try await limiter.acquire() }
    await eventually("first sleeps") { clock.sleeperCount == 1 }
    let second = Task { try await limiter.acquire() }
    await eventually("second queued") { await limiter.waiting == 2 }

    first.cancel()
    await #expect(throws: CancellationError.self) { try await first.value }
    await eventually("second sleeps in its place") { clock.sleeperCount == 1 }
    #expect(await limiter.waiting == 1)
    clock.advance(by: .seconds(1))
    try await second.value
    #expect(await limiter.granted == 2)
    #expect(await limiter.inFlight == 2)
  }

  @Test("an already cancelled task does not queue")
  func cancelledBeforehand() async {
    let limiter = limiter(.query)
    let task = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      try await limiter.acquire()
    }
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect(await limiter.granted == 0)
    #expect(await limiter.waiting == 0)
  }

  @Test("withPermit releases when the body returns and when it throws")
  func withPermit() async throws {
    struct Boom: Error {}
    let limiter = limiter(RateLimitPolicy(requestsPerHour: nil, requestsPerSecond: nil, maxConcurrent: 1))
    #expect(try await limiter.withPermit { 42 } == 42)
    #expect(await limiter.inFlight == 0)
    await #expect(throws: Boom.self) { try await limiter.withPermit { throw Boom() } }
    #expect(await limiter.inFlight == 0)
    #expect(await limiter.granted == 2)
  }

  @Test("penalize holds new requests for the given time and logs the wait")
  func penalize() async throws {
    let limiter = limiter(.query)
    await limiter.penalize(for: .seconds(30))
    let task = Task { try await limiter.acquire() }
    await eventually("the request sleeps") { clock.sleeperCount == 1 }
    #expect(log.messages == ["ratelimit.penalty", "ratelimit.wait"])
    #expect(log.metadata.last?["reason"] == "penalty")
    #expect(log.metadata.last?["seconds"] == "30.0")
    clock.advance(by: .seconds(29))
    #expect(await limiter.granted == 0)
    clock.advance(by: .seconds(1))
    try await task.value
    #expect(await limiter.waits == 1)
    #expect(await limiter.totalWaited == .seconds(30))
  }
}
