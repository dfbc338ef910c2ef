public import CalendarDay

/// An inclusive range of days fetched by one request.
public struct DayWindow: Hashable, Sendable, CustomStringConvertible {
  public let from: Day
  public let to: Day

  public init(from: Day, to: Day) {
    precondition(from <= to, "a window cannot end before it starts")
    self.from = from
    self.to = to
  }

  public var days: ClosedRange<Day> { from...to }
  public var dayCount: Int { from.distance(to: to) + 1 }
  public var description: String { "\(from)..\(to)" }

  /// A name for file names: `20240601-20240630`.
  public var compactName: String {
    "\(from)".replacingDashes + "-" + "\(to)".replacingDashes
  }

  /// The two halves of a window of two or more days (for splitting a window that keeps failing).
  public var halves: (DayWindow, DayWindow)? {
    guard dayCount >= 2 else { return nil }
    let middle = from.adding(days: dayCount / 2 - 1)
    return (DayWindow(from: from, to: middle), DayWindow(from: middle.adding(days: 1), to: to))
  }
}

extension String {
  fileprivate var replacingDashes: String { String(filter { $0 != "-" }) }
}
