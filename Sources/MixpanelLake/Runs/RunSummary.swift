import CalendarDay
public import Foundation
import Lake
import MixpanelAPI

/// What a run did, for the terminal and for `_runs/<run-id>.json`. Holds no secret.
public struct RunSummary: Sendable, Encodable {
  public struct WindowRecord: Sendable, Encodable {
    public var fromDate: String
    public var toDate: String
    public var status: String
    public var rows: Int
    public var outOfWindowRows: Int
    /// Malformed lines set aside in `_quarantine/` (`malformed_lines: quarantine`).
    public var quarantinedLines: Int = 0
    public var files: Int
    public var bytes: Int
    public var uncompressedBytes: Int
    public var retries: Int
    public var duplicatesDropped: Int
    /// From the request to the answer's last byte (nil where not measured).
    public var seconds: Double? = nil
    public var error: String?

    enum CodingKeys: String, CodingKey {
      case fromDate = "from_date"
      case toDate = "to_date"
      case status, rows
      case outOfWindowRows = "out_of_window_rows"
      case quarantinedLines = "quarantined_lines"
      case files, bytes
      case uncompressedBytes = "uncompressed_bytes"
      case retries
      case duplicatesDropped = "duplicates_dropped"
      case seconds, error
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(fromDate, forKey: .fromDate)
      try c.encode(toDate, forKey: .toDate)
      try c.encode(status, forKey: .status)
      try c.encode(rows, forKey: .rows)
      try c.encode(outOfWindowRows, forKey: .outOfWindowRows)
      try c.encode(quarantinedLines, forKey: .quarantinedLines)
      try c.encode(files, forKey: .files)
      try c.encode(bytes, forKey: .bytes)
      try c.encode(uncompressedBytes, forKey: .uncompressedBytes)
      try c.encode(retries, forKey: .retries)
      try c.encode(duplicatesDropped, forKey: .duplicatesDropped)
      try c.encodeIfPresent(seconds.map { ($0 * 1000).rounded() / 1000 }, forKey: .seconds)
      try c.encodeIfPresent(error, forKey: .error)
    }
  }

  public let runID: String
  public let startedAt: Date
  public private(set) var finishedAt: Date?
  public private(set) var windows: [WindowRecord] = []
  public private(set) var rowsPerDay: [String: Int] = [:]
  public private(set) var bookmark: String?
  public let plannedWindows: Int
  public let clampedStartDate: String?
  /// The errors of failed windows.
  public private(set) var errors: [any Error] = []
  /// Windows split in halves after failing repeatedly.
  public private(set) var splits = 0
  /// Waiting windows cut before they were asked for, after an answer ended early lowered the
  /// ceiling (``WindowCeiling``).
  public private(set) var recutWindows = 0
  public private(set) var interrupted = false
  /// Export requests that waited for the rate limiter, and how long in all (seconds).
  public private(set) var rateLimitWaits = 0
  public private(set) var rateLimitWaitSeconds = 0.0
  private var splitRetries = 0

  init(runID: String, startedAt: Date, plan: WindowPlan) {
    self.runID = runID
    self.startedAt = startedAt
    self.plannedWindows = plan.windows.count
    self.clampedStartDate = plan.clampedStartDate.map { "\($0)" }
  }

  public var rows: Int { windows.reduce(0) { $0 + $1.rows } }
  public var outOfWindowRows: Int { windows.reduce(0) { $0 + $1.outOfWindowRows } }
  public var quarantinedLines: Int { windows.reduce(0) { $0 + $1.quarantinedLines } }
  public var storedBytes: Int { windows.reduce(0) { $0 + $1.bytes } }
  public var uncompressedBytes: Int { windows.reduce(0) { $0 + $1.uncompressedBytes } }
  public var files: Int { windows.reduce(0) { $0 + $1.files } }
  public var failedWindows: [WindowRecord] { windows.filter { $0.status != "committed" } }
  public var committedWindows: Int { windows.count - failedWindows.count }
  public var seconds: Double { (finishedAt ?? Date()).timeIntervalSince(startedAt) }

  /// The median of what one connection moved (uncompressed MB, 10⁶ bytes, a second, from the
  /// request to the answer's last byte) over committed windows of at least 1 MB: the figure for
  /// `export_connection_mb_per_second` when this machine kept up with its connections (parsing
  /// keeps pace with the body, so a run bound by CPU or memory measures those instead). Nil
  /// without such windows.
  public var connectionMegabytesPerSecond: Double? {
    let rates = windows.compactMap { window -> Double? in
      guard window.status == "committed", window.uncompressedBytes >= 1_000_000, let seconds = window.seconds,
        seconds > 0
      else { return nil }
      return Double(window.uncompressedBytes) / seconds / 1_000_000
    }.sorted()
    guard !rates.isEmpty else { return nil }
    return rates[rates.count / 2]
  }

  public var retries: Int { windows.reduce(splitRetries) { $0 + $1.retries } }
  public var duplicatesDropped: Int { windows.reduce(0) { $0 + $1.duplicatesDropped } }

  mutating func record(_ commit: WindowCommitSummary, retries: Int) {
    windows.append(
      WindowRecord(
        fromDate: commit.window.fromDate, toDate: commit.window.toDate, status: "committed",
        rows: commit.rows, outOfWindowRows: commit.outOfWindowRows, quarantinedLines: commit.quarantinedLines,
        files: commit.files,
        bytes: commit.storedBytes, uncompressedBytes: commit.uncompressedBytes, retries: retries,
        duplicatesDropped: commit.duplicatesDropped, seconds: commit.seconds, error: nil))
    for (day, rows) in commit.rowsPerDay { rowsPerDay["\(day)"] = rows }
  }

  mutating func recordSplit(retries: Int) {
    splits += 1
    splitRetries += retries
  }

  mutating func recordRecut() {
    recutWindows += 1
  }

  mutating func recordFailure(_ window: DayWindow, _ error: any Error, retries: Int) {
    windows.append(
      WindowRecord(
        fromDate: "\(window.from)", toDate: "\(window.to)", status: "failed", rows: 0, outOfWindowRows: 0,
        files: 0, bytes: 0, uncompressedBytes: 0, retries: retries, duplicatesDropped: 0,
        error: "\(error)"))
    errors.append(error)
  }

  mutating func recordRateLimit(waits: Int, waited: Duration) {
    rateLimitWaits = waits
    rateLimitWaitSeconds = waited.inSeconds
  }

  mutating func finish(at date: Date, bookmark: String?, interrupted: Bool) {
    finishedAt = date
    self.bookmark = bookmark
    self.interrupted = interrupted
    windows.sort { $0.fromDate < $1.fromDate }
  }

  enum CodingKeys: String, CodingKey {
    case runID = "run_id"
    case startedAt = "started_at"
    case finishedAt = "finished_at"
    case seconds, status, rows
    case outOfWindowRows = "out_of_window_rows"
    case quarantinedLines = "quarantined_lines"
    case files, bytes
    case uncompressedBytes = "uncompressed_bytes"
    case plannedWindows = "planned_windows"
    case committedWindows = "committed_windows"
    case clampedStartDate = "clamped_start_date"
    case retries, splits
    case recutWindows = "recut_windows"
    case rateLimitWaits = "rate_limit_waits"
    case rateLimitWaitSeconds = "rate_limit_wait_seconds"
    case duplicatesDropped = "duplicates_dropped"
    case connectionMegabytesPerSecond = "connection_mb_per_second"
    case bookmark, windows
    case rowsPerDay = "rows_per_day"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(runID, forKey: .runID)
    try c.encode(Timestamp.iso8601(Int64(startedAt.timeIntervalSince1970)), forKey: .startedAt)
    try c.encode(
      finishedAt.map { Timestamp.iso8601(Int64($0.timeIntervalSince1970)) }, forKey: .finishedAt)
    try c.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
    try c.encode(
      interrupted ? "interrupted" : failedWindows.isEmpty ? "succeeded" : "failed", forKey: .status)
    try c.encode(retries, forKey: .retries)
    try c.encode(splits, forKey: .splits)
    try c.encode(recutWindows, forKey: .recutWindows)
    try c.encode(rateLimitWaits, forKey: .rateLimitWaits)
    try c.encode((rateLimitWaitSeconds * 1000).rounded() / 1000, forKey: .rateLimitWaitSeconds)
    try c.encode(duplicatesDropped, forKey: .duplicatesDropped)
    try c.encode(
      connectionMegabytesPerSecond.map { ($0 * 100).rounded() / 100 }, forKey: .connectionMegabytesPerSecond)
    try c.encode(rows, forKey: .rows)
    try c.encode(outOfWindowRows, forKey: .outOfWindowRows)
    try c.encode(quarantinedLines, forKey: .quarantinedLines)
    try c.encode(files, forKey: .files)
    try c.encode(storedBytes, forKey: .bytes)
    try c.encode(uncompressedBytes, forKey: .uncompressedBytes)
    try c.encode(plannedWindows, forKey: .plannedWindows)
    try c.encode(committedWindows, forKey: .committedWindows)
    try c.encode(clampedStartDate, forKey: .clampedStartDate)
    try c.encode(bookmark, forKey: .bookmark)
    try c.encode(windows, forKey: .windows)
    try c.encode(rowsPerDay, forKey: .rowsPerDay)
  }

  static func makeRunID(_ date: Date) -> String {
    let stamp = Timestamp.iso8601(Int64(date.timeIntervalSince1970)).filter { $0 != "-" && $0 != ":" }
    let token = String(UInt32.random(in: 0...UInt32.max) & 0xFF_FFFF, radix: 16)
    return stamp + "-" + String(repeating: "0", count: 6 - token.count) + token
  }

  static func write(_ summary: RunSummary, lake: String) throws {
    try RunRecord.write(summary, lake: lake, runID: summary.runID)
  }
}
