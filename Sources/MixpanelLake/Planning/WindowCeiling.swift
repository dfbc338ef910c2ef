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
  /// in those halves); returns true when the ceiling came down. Never raises it.
  public mutating func lower(endedEarly window: DayWindow) -> Bool {
    guard let (first, second) = window.halves else { return false }
    let larger = max(size(first), size(second))
    guard larger < limit else { return false }
    limit = max(1, larger)
    return true
  }

  /// `window` as consecutive windows of at most the ceiling (a day above it alone), of about
  /// equal size; `[window]` when it fits.
  public func cut(_ window: DayWindow) -> [DayWindow] {
    guard size(window) > limit, window.dayCount >= 2 else { return [window] }
    switch measure {
    case .days:
      let count = (window.dayCount + limit - 1) / limit
      var pieces: [DayWindow] = []
      var from = window.from
      for index in 0..<count {
        // Spread the days evenly: piece `index` ends after ⌈(index + 1) × days / count⌉ days.
        let end = ((index + 1) * window.dayCount + count - 1) / count
        let to = window.from.adding(days: end - 1)
        pieces.append(DayWindow(from: from, to: to))
        from = to.adding(days: 1)
      }
      return pieces
    case .events(let perDay):
      let plan = WindowPlan(
        windows: [window], today: window.to, clampedStartDate: nil, firstDay: window.from, lastDay: window.to)
      let cut = Planner.cutByVolume(plan, eventsPerDay: perDay, maxEvents: limit, connections: 1).windows
      // Equal shares put quiet days beside a huge one into windows of their own: join them
      // again while they fit (each is a request).
      var joined: [DayWindow] = []
      for piece in cut {
        if let last = joined.last, size(last) + size(piece) <= limit {
          joined[joined.count - 1] = DayWindow(from: last.from, to: piece.to)
        } else {
          joined.append(piece)
        }
      }
      return joined
    }
  }
}
