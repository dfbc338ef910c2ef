/// Runs windows through a ``WindowTask`` in one task group: at most `maxConcurrent` in flight,
/// refilled one-out/one-in; a window the task hands back for splitting is replaced by its two
/// halves at the front of the queue. The caller sees every outcome, in completion order, and
/// decides whether new windows may still start.
///
/// ```
///  queue ─► [≤ maxConcurrent children] ─► outcome ─► handle(outcome) ─► keep going? ─► refill
///             ▲                                        │ .split
///             └──────────── halves, at the front ──────┘
/// ```
enum WindowScheduler {
  /// `handle` returns false to stop starting windows (those in flight still finish).
  static func run<C: Clock>(
    _ windows: [DayWindow], maxConcurrent: Int, task: WindowTask<C>,
    _ handle: (WindowOutcome) async -> Bool
  ) async where C.Duration == Duration {
    await withTaskGroup(of: WindowOutcome.self) { group in
      var pending = windows[...]
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
        if case .split(let window, _, _) = outcome, let (first, second) = window.halves {
          pending = [first, second] + pending
        }
        if await !handle(outcome) { stopped = true }
        startNext()
      }
    }
  }
}
