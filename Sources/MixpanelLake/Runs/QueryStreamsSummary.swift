import Lake

/// How a Query API stream ended in a run.
public enum StreamStatus: String, Sendable, Encodable {
  /// Every planned window (daily streams) or the new snapshot (full tables) was committed;
  /// also when there was nothing to fetch.
  case committed
  /// Not exported, with a warning (402 on engage: the plan has no API access; an error from
  /// revenue's legacy endpoint); the lake keeps what it had.
  case skipped
  /// Not exported; the lake keeps what it had and the run exits non-zero.
  case failed
}

/// One stream's line in a ``QueryStreamsSummary``: ``FullTableRecord`` or ``DailyStreamRecord``.
public protocol QueryStreamRecord: Sendable, Encodable {
  var stream: String { get }
  var status: StreamStatus { get }
  /// Why the stream was skipped, or what failed.
  var message: String? { get }

  /// The columns of the table printed after a run, and this record's cells.
  static var columns: [(title: String, width: Int)] { get }
  var cells: [String] { get }
  /// The run day's meaning in the run record (`snapshot_date`, `today`) and the record's
  /// file suffix under `_runs/` (`full_table`, `daily`).
  static var dayKey: String { get }
  static var fileSuffix: String { get }
}

/// What one run of Query API streams did: one record per stream, in run order. The full-table
/// and daily runs share it (``FullTableRunSummary``, ``DailyStreamRunSummary``).
public struct QueryStreamsSummary<Record: QueryStreamRecord>: Sendable, Encodable {
  public let runID: String
  /// The snapshot date (full tables) or today in the project's time zone, the last day a
  /// window may reach (daily streams).
  public let day: String
  public internal(set) var streams: [Record] = []
  /// The errors of failed streams.
  public internal(set) var errors: [any Error] = []

  init(runID: String, day: String) {
    self.runID = runID
    self.day = day
  }

  public var failedStreams: [Record] { streams.filter { $0.status == .failed } }
  public var skippedStreams: [Record] { streams.filter { $0.status == .skipped } }

  /// The table printed after a run, then a warning or error line per stream that did not
  /// commit:
  ///
  /// ```
  /// stream          status     rows        files  bytes       requests  retries
  /// engage          committed  2600        1      183211      27        0
  /// ```
  public var text: String {
    let columns = Record.columns
    func line(_ cells: [String]) -> String {
      zip(cells, columns).enumerated().map { index, pair in
        let (text, column) = pair
        guard index < columns.count - 1 else { return text }
        return text.count >= column.width
          ? text + " " : text + String(repeating: " ", count: column.width - text.count)
      }.joined()
    }
    let notes = streams.filter { $0.status != .committed }.map {
      "\($0.status == .skipped ? "warning" : "error"): \($0.message ?? $0.stream)"
    }
    return ([line(columns.map(\.title))] + streams.map { line($0.cells) } + notes).joined(separator: "\n")
  }

  private struct Key: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    try container.encode(runID, forKey: Key(stringValue: "run_id"))
    try container.encode(day, forKey: Key(stringValue: Record.dayKey))
    try container.encode(streams, forKey: Key(stringValue: "streams"))
  }

  /// Writes the summary to `_runs/<run-id>-<suffix>.json`, atomically.
  func write(lake: String) throws {
    try RunRecord.write(self, lake: lake, runID: runID, suffix: Record.fileSuffix)
  }
}

public typealias FullTableRunSummary = QueryStreamsSummary<FullTableRecord>
public typealias DailyStreamRunSummary = QueryStreamsSummary<DailyStreamRecord>
