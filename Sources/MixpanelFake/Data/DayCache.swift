/// Thread-safe cache of rendered days, keyed by day and time unit. Evicts the oldest entries
/// once the total size passes `limitBytes` (slices already handed out stay valid).
final class DayCache: Sendable {
  private struct Key: Hashable {
    let day: FakeDay
    let timeInMs: Bool
  }

  private struct State {
    var entries: [Key: RenderedDay] = [:]
    var order: [Key] = []
    var bytes = 0
  }

  private let state = Locked(State())
  private let limitBytes: Int?

  init(limitBytes: Int?) {
    self.limitBytes = limitBytes
  }

  func get(day: FakeDay, timeInMs: Bool, render: () -> RenderedDay) -> RenderedDay {
    let key = Key(day: day, timeInMs: timeInMs)
    if let hit = self.state.withLock({ $0.entries[key] }) {
      return hit
    }
    let rendered = render()  // outside the lock; a concurrent duplicate render is harmless
    return self.state.withLock { state in
      if let raced = state.entries[key] { return raced }
      state.entries[key] = rendered
      state.order.append(key)
      state.bytes += rendered.buffer.readableBytes
      if let limit = self.limitBytes {
        while state.bytes > limit, state.order.count > 1 {
          let evicted = state.order.removeFirst()
          if let old = state.entries.removeValue(forKey: evicted) {
            state.bytes -= old.buffer.readableBytes
          }
        }
      }
      return rendered
    }
  }

  var cachedBytes: Int {
    self.state.withLock { $0.bytes }
  }
}
