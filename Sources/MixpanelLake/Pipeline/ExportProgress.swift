import Synchronization

/// Live counters of a run, safe to read from any thread while it goes on (a progress display,
/// a test checking back-pressure). Values only grow, but for the windows in flight.
public final class ExportProgress: Sendable {
  private let bytes = Atomic<Int>(0)
  private let lineCount = Atomic<Int>(0)
  private let windows = Atomic<Int>(0)
  private let active = Atomic<Int>(0)
  private let peak = Atomic<Int>(0)

  public init() {}

  /// Response bytes framed and handed to the writer so far (decompressed).
  public var bytesIn: Int { bytes.load(ordering: .relaxed) }
  /// Lines validated and routed so far (including those of windows that later failed).
  public var lines: Int { lineCount.load(ordering: .relaxed) }
  /// Windows committed so far.
  public var windowsCommitted: Int { windows.load(ordering: .relaxed) }
  /// Windows whose request is running now (sent, answer being read or committed).
  public var windowsInFlight: Int { active.load(ordering: .relaxed) }
  /// The most windows in flight at once so far.
  public var peakWindowsInFlight: Int { peak.load(ordering: .relaxed) }

  func add(bytes count: Int) { bytes.add(count, ordering: .relaxed) }
  func add(lines count: Int) { lineCount.add(count, ordering: .relaxed) }
  func windowCommitted() { windows.add(1, ordering: .relaxed) }
  func windowStarted() {
    let now = active.add(1, ordering: .relaxed).newValue
    _ = peak.max(now, ordering: .relaxed)
  }
  func windowEnded() { active.subtract(1, ordering: .relaxed) }
}
