/// Engage paging sessions (§5.3): page 0 opens one, later pages must name a live one.
final class EngageSessions: Sendable {
  private struct State {
    var opened: [String: Duration] = [:]
    var next = 1
    /// Sessions still to be opened already expired (see `init`).
    var expiredOnOpen: Int
    var expired: Set<String> = []
  }

  private let clock: any FakeClock
  /// nil: sessions never expire.
  private let lifetime: Duration?
  private let state: Locked<State>

  /// - Parameter expiredOnOpen: the first sessions opened that expire right after page 0, as if
  ///   their lifetime ran out at once (later sessions live normally).
  init(clock: any FakeClock, lifetime: Duration?, expiredOnOpen: Int = 0) {
    self.clock = clock
    self.lifetime = lifetime
    self.state = Locked(State(expiredOnOpen: expiredOnOpen))
  }

  /// A new session id, e.g. `1719705600-0000002a`.
  func open(today: FakeDay) -> String {
    let now = self.clock.now()
    return self.state.withLock { state in
      var hex = String(state.next, radix: 16)
      hex = String(repeating: "0", count: max(0, 8 - hex.count)) + hex
      let id = "\(today.startEpochSeconds)-\(hex)"
      state.next += 1
      state.opened[id] = now
      if state.expiredOnOpen > 0 {
        state.expiredOnOpen -= 1
        state.expired.insert(id)
      }
      return id
    }
  }

  /// Whether `id` was opened by this server and has not expired.
  func isLive(_ id: String) -> Bool {
    let now = self.clock.now()
    return self.state.withLock { state in
      guard let opened = state.opened[id], !state.expired.contains(id) else { return false }
      if let lifetime = self.lifetime, now - opened >= lifetime { return false }
      return true
    }
  }
}
