import CalendarDay
import Lake

/// Advances a stream's bookmark over the gap-free prefix of committed windows only
/// (design.md §3, step 4): the greatest committed event time, never past the end of the last
/// committed window's last day. A window that committed no rows moves it to the end of its
/// last day (never past `notAfter`, the run's start): on a quiet project, or with a narrow
/// `export_events`, the next run must not fetch those days again.
public struct BookmarkTracker: Sendable {
  private var windows: [DayWindow]
  private var committed: [DayWindow: String?] = [:]
  private var prefix = 0
  public private(set) var bookmark: Int64?
  private let notAfter: Int64

  /// - Parameter notAfter: epoch seconds an empty window's bookmark never passes (now).
  public init(windows: [DayWindow], bookmark: Int64?, notAfter: Int64) {
    self.windows = windows
    self.bookmark = bookmark
    self.notAfter = notAfter
  }

  /// Records a committed window (with its greatest event time, ISO text; nil when it committed
  /// no rows); returns true when the bookmark moved.
  public mutating func commit(_ window: DayWindow, maxTime: String?) -> Bool {
    committed[window] = .some(maxTime)
    var moved = false
    while prefix < windows.count, let entry = committed[windows[prefix]] {
      let window = windows[prefix]
      let reached = entry.flatMap(Timestamp.parse) ?? min(window.to.endEpochSeconds, notAfter)
      let capped = min(reached, window.to.endEpochSeconds)
      if bookmark.map({ capped > $0 }) ?? true {
        bookmark = capped
        moved = true
      }
      prefix += 1
    }
    return moved
  }

  /// Replaces a window that will not commit whole by its halves (it was split after failing).
  public mutating func split(_ window: DayWindow, into first: DayWindow, _ second: DayWindow) {
    replace(window, with: [first, second])
  }

  /// Replaces a window not yet committed by consecutive `pieces` covering the same days.
  public mutating func replace(_ window: DayWindow, with pieces: [DayWindow]) {
    guard let index = windows.firstIndex(of: window), index >= prefix else { return }
    windows.replaceSubrange(index...index, with: pieces)
  }

  /// Windows committed in order from the first, with no gap.
  public var committedPrefixCount: Int { prefix }
}
