/// Rolls seeded dice for each export request. Thread-safe; deterministic for a given request order.
final class FaultInjector: Sendable {
  private struct State {
    var preflightRequests: UInt64 = 0
    var bodyRequests: UInt64 = 0
    var reusedRequests: UInt64 = 0
    var queryRequests: UInt64 = 0
    var burstRemaining = 0
    var injected: [String: Int] = [:]
    var eligible: [String: Int] = [:]
  }

  private let faults: FakeFaults
  private let state = Locked(State())

  init(_ faults: FakeFaults) {
    self.faults = faults
  }

  /// Faults decided before any work: 429 bursts and 500s.
  func preflight() -> InjectedFault? {
    self.state.withLock { state in
      var rng = SplitMix64(self.faults.seed, 1, state.preflightRequests)
      state.preflightRequests += 1
      let burstRoll = rng.unit()
      let errorRoll = rng.unit()
      if let burst = self.faults.burst429 {
        if state.burstRemaining > 0 {
          state.burstRemaining -= 1
          return .tooManyRequests(retryAfterSeconds: burst.retryAfterSeconds)
        }
        if Self.fires(burst.rule, roll: burstRoll, key: "burst429", state: &state) {
          state.burstRemaining = burst.length - 1
          return .tooManyRequests(retryAfterSeconds: burst.retryAfterSeconds)
        }
      }
      if let rule = self.faults.status5xx, Self.fires(rule, roll: errorRoll, key: "status5xx", state: &state)
      {
        return .serverError
      }
      return nil
    }
  }

  /// At most one fault that shapes a 200 body of `lineCount` lines and `byteCount` bytes.
  func bodyFault(lineCount: Int, byteCount: Int) -> InjectedFault? {
    self.state.withLock { state in
      var rng = SplitMix64(self.faults.seed, 2, state.bodyRequests)
      state.bodyRequests += 1
      let rolls = (0..<6).map { _ in rng.unit() }
      let more = (0..<3).map { _ in rng.unit() }
      let f = self.faults
      if let limit = f.maxLinesPerAnswer, lineCount > limit {
        state.injected["answerTooLarge", default: 0] += 1
        return .terminatedEarly(linesBefore: limit, marker: "terminated early")
      }
      if let error = f.errorObject, Self.fires(error.rule, roll: more[0], key: "errorObject", state: &state) {
        return .errorObject(linesBefore: error.linesBefore, message: error.message)
      }
      if let rule = f.emptyBody, lineCount > 0,
        Self.fires(rule, roll: more[1], key: "emptyBody", state: &state)
      {
        return .emptyBody
      }
      if let rule = f.controlBytes, Self.fires(rule, roll: more[2], key: "controlBytes", state: &state) {
        return .controlBytes
      }
      if let cut = f.cutMidLine, lineCount >= 1,
        Self.fires(cut.rule, roll: rolls[0], key: "cutMidLine", state: &state)
      {
        return .cutMidLine(reset: cut.reset)
      }
      if let early = f.terminatedEarly,
        Self.fires(early.rule, roll: rolls[1], key: "terminatedEarly", state: &state)
      {
        return .terminatedEarly(linesBefore: early.linesBefore, marker: early.marker)
      }
      if let rule = f.malformedLine, Self.fires(rule, roll: rolls[2], key: "malformedLine", state: &state) {
        return .malformedLine
      }
      if let stall = f.stallMidBody, byteCount > 1,
        Self.fires(stall.rule, roll: rolls[3], key: "stallMidBody", state: &state)
      {
        return .stallMidBody(stall.duration)
      }
      if let dribble = f.dribble, byteCount > 0,
        Self.fires(dribble.rule, roll: rolls[4], key: "dribble", state: &state)
      {
        return .dribble(chunkBytes: dribble.chunkBytes, interval: dribble.interval)
      }
      if let slow = f.slowFirstByte,
        Self.fires(slow.rule, roll: rolls[5], key: "slowFirstByte", state: &state)
      {
        return .slowFirstByte(slow.duration)
      }
      return nil
    }
  }

  /// Whether to close a kept-alive connection instead of answering its next request (for any
  /// endpoint: the server's idle timeout knows nothing of paths).
  func closesReusedConnection() -> Bool {
    guard let rule = self.faults.staleConnection else { return false }
    return self.state.withLock { state in
      var rng = SplitMix64(self.faults.seed, 3, state.reusedRequests)
      state.reusedRequests += 1
      return Self.fires(rule, roll: rng.unit(), key: "staleConnection", state: &state)
    }
  }

  /// Whether to answer an export with a 400 that quotes its `Authorization` header.
  func echoesAuthorization() -> Bool {
    guard let rule = self.faults.echoAuthorization else { return false }
    return self.state.withLock { state in
      var rng = SplitMix64(self.faults.seed, 5, state.preflightRequests)
      return Self.fires(rule, roll: rng.unit(), key: "echoAuthorization", state: &state)
    }
  }

  /// Faults for a Query API or App API call, decided before any work: a 429 or a 500.
  func queryPreflight() -> InjectedFault? {
    guard self.faults.queryServerError != nil || self.faults.queryTooManyRequests != nil else { return nil }
    return self.state.withLock { state in
      var rng = SplitMix64(self.faults.seed, 4, state.queryRequests)
      state.queryRequests += 1
      let limitRoll = rng.unit()
      let errorRoll = rng.unit()
      if let rule = self.faults.queryTooManyRequests,
        Self.fires(rule, roll: limitRoll, key: "query429", state: &state)
      {
        return .tooManyRequests(retryAfterSeconds: nil)
      }
      if let rule = self.faults.queryServerError,
        Self.fires(rule, roll: errorRoll, key: "query5xx", state: &state)
      {
        return .serverError
      }
      return nil
    }
  }

  /// How many times each fault kind was injected so far.
  var injectedCounts: [String: Int] {
    self.state.withLock { $0.injected }
  }

  private static func fires(_ rule: FaultRule, roll: Double, key: String, state: inout State) -> Bool {
    state.eligible[key, default: 0] += 1
    guard state.eligible[key, default: 0] > rule.after, roll < rule.rate,
      state.injected[key, default: 0] < rule.maxInjections
    else { return false }
    state.injected[key, default: 0] += 1
    return true
  }
}
