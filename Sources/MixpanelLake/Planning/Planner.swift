public import CalendarDay
public import Foundation
import Lake

/// The windows one run fetches: a pure function of the config, the bookmark and today.
///
/// ```
///  start = max(start_date, today − history_days (365; 0: no limit), bookmark day − attribution_window)
///  end   = min(end_date ?? today, today)
///  [start ........................................................ end]
///  [── date_window_size ──][── date_window_size ──][── … ──][─ rest ─]
/// ```
public struct WindowPlan: Sendable, Equatable {
  public let windows: [DayWindow]
  public let today: Day
  /// The configured start date when it was moved forward to `history_days` before today.
  public let clampedStartDate: Day?
  /// The first day fetched, after the bookmark and the clamp.
  public let firstDay: Day?
  public let lastDay: Day?
}

extension WindowPlan {
  /// The plan with its first window's first day as a window of its own: tap mode's first
  /// RECORD then comes after one day's answer, not a whole window's (`meltano config test`
  /// stops the tap at its first record).
  func firstDayApart() -> WindowPlan {
    guard let first = windows.first, first.from < first.to else { return self }
    let split = [
      DayWindow(from: first.from, to: first.from), DayWindow(from: first.from.adding(days: 1), to: first.to),
    ]
    return WindowPlan(
      windows: split + windows.dropFirst(), today: today, clampedStartDate: clampedStartDate,
      firstDay: firstDay,
      lastDay: lastDay)
  }
}

public enum Planner {
  /// How far back a plan reaches by default (`history_days`): Stitch's 365 days. Mixpanel's
  /// paid plans export older data, so `history_days: 0` lifts the limit.
  public static let historyDays = 365

  /// - Parameter historyDays: start dates older than this many days before today are moved
  ///   forward; 0: no limit.
  public static func plan(
    startDate: Day, endDate: Day?, bookmark: Int64?, attributionWindow: Int, windowSize: Int, today: Day,
    historyDays: Int = historyDays
  ) -> WindowPlan {
    precondition(windowSize >= 1 && attributionWindow >= 0 && historyDays >= 0)
    var start = startDate
    var clamped: Day?
    let earliest = today.adding(days: -historyDays)
    if historyDays > 0, start < earliest {
      clamped = start
      start = earliest
    }
    if let bookmark {
      start = max(start, Day(epochSeconds: bookmark).adding(days: -attributionWindow))
    }
    let end = min(endDate ?? today, today)
    guard start <= end else {
      return WindowPlan(windows: [], today: today, clampedStartDate: clamped, firstDay: nil, lastDay: nil)
    }
    var windows: [DayWindow] = []
    var from = start
    while from <= end {
      let to = min(from.adding(days: windowSize - 1), end)
      windows.append(DayWindow(from: from, to: to))
      from = to.adding(days: 1)
    }
    return WindowPlan(
      windows: windows, today: today, clampedStartDate: clamped, firstDay: start, lastDay: end)
  }

  /// `plan`'s days cut into consecutive windows by volume (`date_window_size: "auto"`): as many
  /// as the events need at `maxEvents` a window, and at least as many as there are `connections`
  /// to use (never more than there are days). Each window takes an equal share of the events, or
  /// its share of `shares` (one per window, in start order: ``VolumeEstimate/rampShares``), of
  /// the events the windows before it left; it grows day by day while the next day brings it
  /// nearer that share, and never past `maxEvents`. A day above that is a window of its own
  /// (Mixpanel's export asks for whole days).
  public static func cutByVolume(
    _ plan: WindowPlan, eventsPerDay: [Day: Int], maxEvents: Int, connections: Int, shares: [Double]? = nil
  ) -> WindowPlan {
    guard let first = plan.firstDay, let last = plan.lastDay else { return plan }
    let days = (0...first.distance(to: last)).map { first.adding(days: $0) }
    let total = days.reduce(0) { $0 + (eventsPerDay[$1] ?? 0) }
    let wanted = max((total + maxEvents - 1) / max(1, maxEvents), connections)
    let count = max(1, min(days.count, wanted))
    // Each window's share of the events: equal, or the shares asked for when there is one per
    // window and none would pass the ceiling.
    var weights = Array(repeating: 1.0, count: count)
    if let shares, shares.count == count, shares.allSatisfy({ $0 > 0 && $0.isFinite }) {
      let sum = shares.reduce(0, +)
      if shares.allSatisfy({ Double(total) * $0 / sum <= Double(maxEvents) }) { weights = shares }
    }
    var weightLeft = weights.reduce(0, +)
    var windows: [DayWindow] = []
    var from = days[0]
    var consumed = 0
    var inWindow = 0
    for (index, day) in days.enumerated() {
      let next = eventsPerDay[day] ?? 0
      let remainingDays = days.count - index
      let remainingWindows = count - windows.count
      // The window's share of what is left: one that came out short leaves the next more, one
      // a huge day made long leaves the next less.
      let k = windows.count
      let target =
        k < count - 1 ? Int((Double(total - consumed) * weights[k] / weightLeft).rounded(.up)) : Int.max
      // Close the window before `day` when the day would take it further past its share than
      // stopping leaves it short (the share is a goal: the windows after it make up the
      // difference), when it would pass the ceiling, or when every later window needs a day of
      // its own.
      let pastShare = inWindow + next - target > target - inWindow
      if day > from, pastShare || inWindow + next > maxEvents || remainingDays < remainingWindows {
        windows.append(DayWindow(from: from, to: day.adding(days: -1)))
        from = day
        consumed += inWindow
        inWindow = 0
        if k < count { weightLeft -= weights[k] }
      }
      inWindow += next
    }
    windows.append(DayWindow(from: from, to: last))
    return WindowPlan(
      windows: windows, today: plan.today, clampedStartDate: plan.clampedStartDate, firstDay: first,
      lastDay: last)
  }

  /// The events of `window`'s days by Mixpanel's daily counts (a day not counted holds none).
  static func events(in window: DayWindow, perDay: [Day: Int]) -> Int {
    (0..<window.dayCount).reduce(0) { $0 + (perDay[window.from.adding(days: $1)] ?? 0) }
  }

  /// Throws when a bookmark lies after tomorrow: no run could have committed data from the
  /// future, so the state file is corrupt (hand-edited, a clock gone wrong), and trusting it
  /// would make every run fetch nothing and exit 0.
  public static func checkBookmark(_ bookmark: Int64?, text: String?, today: Day, statePath: String) throws {
    guard let bookmark, Day(epochSeconds: bookmark) > today.adding(days: 1) else { return }
    throw LakeError.corrupt(
      statePath,
      "the export bookmark \(text ?? "\(bookmark)") is later than tomorrow (\(today.adding(days: 1)))",
      fix: "set bookmarks.export to the last time you trust, or remove it to start again from start_date")
  }

  /// Today's date in `zone` at `now`.
  public static func today(now: Date, zone: TimeZone) -> Day {
    let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
    return Day(epochSeconds: seconds + Int64(zone.secondsFromGMT(for: now)))
  }
}
