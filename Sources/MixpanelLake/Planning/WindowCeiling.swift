public import CalendarDay

/// The largest window a run still asks for. Mixpanel ends an answer that is too large or too
/// slow with `terminated early`; the window is then split in halves, and the windows still
/// waiting that are as large as it would end early too. So the ceiling comes down to the larger
/// half, and every waiting window above it is cut before it is asked for: one wasted request
/// for the run instead of one for each large window (requests are 60 an hour).
///
/// Sizes are Mixpanel's daily counts of events where the run has them (windows sized by
/// volume), or days (fixed windows, or counts that could not be had).
public struct WindowCeiling: Sendable, Equatable {
  public enum Measure: Sendable, Equatable {
    /// Events, by the per-day counts.
    case events(perDay: [Day: Int])
    case days
  }

  public let measure: Measure
  /// The largest size a window may have; a single day above it stays a window of its own.
  public private(set) var limit: Int

  /// A ceiling in events: windows sized by Mixpanel's daily counts, at most `maxEvents` each.
  public init(eventsPerDay: [Day: Int], maxEvents: Int) {
    measure = .events(perDay: eventsPerDay)
    limit = max(1, maxEvents)
  }

  /// A ceiling in days: fixed windows of at most `maxDays`.
  public init(maxDays: Int) {
    measure = .days
    limit = max(1, maxDays)
  }

  /// `window`'s size in the ceiling's measure.
  public func size(_ window: DayWindow) -> Int {
    switch measure {
    case .days:
      return window.dayCount
    case .events(let perDay):
      return Planner.events(in: window, perDay: perDay)
    }
  }

  /// Lowers the ceiling to the larger half of `window`, whose answer ended early (it is split
  /// in those halves); returns true when the ceiling came down. Never raises it, and never
  /// lowers it to nothing: halves the counts hold no events for say nothing of the answer's size.
  public mutating func lower(endedEarly window: DayWindow) -> Bool {
    guard let (first, second) = window.halves else { return false }
    let larger = max(size(first), size(second))
    guard larger > 0, larger < limit else { return false }
    limit = larger
    return true
  }

  /// `window` cut when it is above the ceiling: into consecutive windows of at most the ceiling
  /// (a day above it alone), of about equal size, but never into more than two at a time. The
  /// counts can be far too low (project-zone days, `export_where` not applied) and an answer can
  /// end early for being slow, not large; a lowered ceiling then must not turn a year into
  /// single days, 365 requests at 60 an hour. Two is what a split would make anyway; a window
  /// still above the ceiling is cut again when it next lowers. `[window]` when it fits.
  public func cut(_ window: DayWindow) -> [DayWindow] {
    guard size(window) > limit, window.dayCount >= 2 else { return [window] }
    switch measure {
    case .days:
      let (first, second) = window.halves!
      return [first, second]
    case .events(let perDay):
      let plan = WindowPlan(
        windows: [window], today: window.to, clampedStartDate: nil, firstDay: window.from, lastDay: window.to)
      let fitting = Planner.cutByVolume(plan, eventsPerDay: perDay, maxEvents: limit, connections: 1).windows
      // Equal shares put quiet days beside a huge one into windows of their own: join them
      // again while they fit (each is a request).
      var joined: [DayWindow] = []
      for piece in fitting {
        if let last = joined.last, size(last) + size(piece) <= limit {
          joined[joined.count - 1] = DayWindow(from: last.from, to: piece.to)
        } else {
          joined.append(piece)
        }
      }
      guard joined.count > 2 else { return joined }
      return Planner.cutByVolume(plan, eventsPerDay: perDay, maxEvents: Int.max / 4, connections: 2).windows
    }
  }
}
