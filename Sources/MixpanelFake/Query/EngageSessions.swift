/// Engage paging sessions (§5.3): page 0 opens one, later pages must name a live one.
final class EngageSessions: Sendable {
  private struct State {
    var opened: [String: Duration] = [:]
    var next = 1
  }

  private let clock: any FakeClock
  /// nil: sessions never expire.
  private let lifetime: Duration?
  private let state = Locked(State())

  init(clock: any FakeClock, lifetime: Duration?) {
    self.clock = clock
    self.lifetime = lifetime
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
      return id
    }
  }

  /// Whether `id` was opened by this server and has not expired.
  func isLive(_ id: String) -> Bool {
    let now = self.clock.now()
    return self.state.withLock { state in
      guard let opened = state.opened[id] else { return false }
      if let lifetime = self.lifetime, now - opened >= lifetime { return false }
      return true
    }
  }
}
