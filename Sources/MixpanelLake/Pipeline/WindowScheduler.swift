/// Runs windows through a ``WindowTask`` in one task group: at most `maxConcurrent` in flight,
/// refilled one-out/one-in; a window the task hands back for splitting is replaced by its two
/// halves at the front of the queue. When the split came from an answer Mixpanel ended early,
/// the ``WindowCeiling`` comes down and every waiting window above it is cut first (a
/// ``WindowOutcome/recut(_:into:)`` for each). The caller sees every outcome, in completion
/// order, and decides whether new windows may still start.
///
/// ```
///  queue ─► [≤ maxConcurrent children] ─► outcome ─► handle(outcome) ─► keep going? ─► refill
///    ▲        ▲                                        │ .split
///    │        └──────────── halves, at the front ──────┤
///    └── waiting windows cut to the lowered ceiling ───┘ (ended early)
/// ```
enum WindowScheduler {
  /// `handle` returns false to stop starting windows (those in flight still finish).
  static func run<C: Clock>(
    _ windows: [DayWindow], maxConcurrent: Int, ceiling: WindowCeiling, task: WindowTask<C>,
    _ handle: (WindowOutcome) async -> Bool
  ) async where C.Duration == Duration {
    await withTaskGroup(of: WindowOutcome.self) { group in
      var pending = windows[...]
      var ceiling = ceiling
      var inFlight = 0
      var stopped = false
      func startNext() {
        guard !stopped, !Task.isCancelled, let window = pending.popFirst() else { return }
        inFlight += 1
        group.addTask { await task.run(window) }
      }
      for _ in 0..<maxConcurrent { startNext() }
      while inFlight > 0, let outcome = await group.next() {
        inFlight -= 1
        var recuts: [WindowOutcome] = []
        if case .split(let window, let error, _) = outcome, let (first, second) = window.halves {
          let lowered = (error as? WindowError)?.kind == .terminatedEarly && ceiling.lower(endedEarly: window)
          // The halves are always cut to the ceiling (another window may have lowered it while
          // this one was in flight); the other waiting windows only when it came down just now.
          var halves = [first, second][...]
          recuts = recut(&halves, to: ceiling)
          if lowered {
            recuts += recut(&pending, to: ceiling)
            task.logger.warning(
              "plan.ceiling_lowered",
              metadata: [
                "window": "\(window)", "ceiling": "\(ceiling.limit)",
                "measure": "\(ceiling.measure == .days ? "days" : "events")",
                "windows_recut": "\(recuts.count)",
              ])
          }
          pending = halves + pending
        }
        if await !handle(outcome) { stopped = true }
        for recut in recuts where await !handle(recut) { stopped = true }
        startNext()
      }
    }
  }

  /// Cuts every waiting window above `ceiling`; one ``WindowOutcome/recut(_:into:)`` for each.
  private static func recut(_ pending: inout ArraySlice<DayWindow>, to ceiling: WindowCeiling)
    -> [WindowOutcome]
  {
    var outcomes: [WindowOutcome] = []
    var cut: [DayWindow] = []
    for window in pending {
      let pieces = ceiling.cut(window)
      if pieces.count > 1 { outcomes.append(.recut(window, into: pieces)) }
      cut += pieces
    }
    pending = cut[...]
    return outcomes
  }
}
