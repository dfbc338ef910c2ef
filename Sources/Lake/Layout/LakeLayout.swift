public import CalendarDay

/// Where everything lives in a lake (design.md §3): the one place that knows the path rules, and
/// how to read a partition folder's name back.
///
/// ```
///  <lake>/.lock                                   the writing run's flock (this host, this mount)
///  <lake>/_lease.json                             the writing run's lease (every host)
///  <lake>/_state.json                             bookmarks (unless `state` points elsewhere)
///  <lake>/_SUCCESS                                every selected stream of the last run completed
///  <lake>/_runs/<run-id>.json                     one record per run
///  <lake>/<stream>/day=YYYY-MM-DD/                a day partition (export, funnels, revenue)
///  <lake>/<stream>/_out_of_window/requested_day=R/  lines outside their window, by the
///                                                  window's edge day R nearest to their time
///  <lake>/<stream>/_quarantine/requested_day=F/    malformed lines (`malformed_lines: quarantine`)
///  <lake>/<stream>/                               a full-table stream's current copy
///  <lake>/<stream>/snapshot_date=YYYY-MM-DD/      a full-table snapshot (`snapshots: true`)
///  <lake>/engage/.resume.json                     an engage pass's checkpoint
/// ```
///
/// Names starting with `_` or `.` are the lake's own files or temporaries: Spark, Hive and
/// DuckDB's hive partitioning skip them, and so does every reader here.
public struct LakeLayout: Sendable, Equatable {
  /// The lake's root folder.
  public let root: String

  public init(root: String) {
    self.root = root
  }

  public var lock: String { "\(root)/.lock" }
  public var lease: String { "\(root)/_lease.json" }
  public var state: String { "\(root)/_state.json" }
  public var success: String { "\(root)/_SUCCESS" }
  public var runs: String { "\(root)/_runs" }
  public var engageCheckpoint: String { "\(root)/engage/.resume.json" }

  /// `relative` (one of the static paths below) under the root.
  public func path(_ relative: String) -> String { "\(root)/\(relative)" }

  /// `export/_schema.json`: a stream's columns as Spark's StructType JSON, relative to the root.
  public static func schema(stream: String) -> String { "\(stream)/_schema.json" }

  /// `export/day=2024-06-01`: a day partition, relative to the root.
  public static func dayPartition(stream: String, day: Day) -> String {
    "\(stream)/day=\(day)"
  }

  /// `export/_quarantine`: lines that are not JSON, kept aside with `malformed_lines: quarantine`.
  public static func quarantineRoot(stream: String) -> String { "\(stream)/_quarantine" }

  /// `export/_quarantine/requested_day=2024-06-01`: the malformed lines of a window starting on
  /// `requestedDay` (one JSON record each: window, line number, error, text). Replaced like the
  /// out-of-window folders, by any later fetch of the day.
  public static func quarantine(stream: String, requestedDay: Day) -> String {
    "\(quarantineRoot(stream: stream))/requested_day=\(requestedDay)"
  }

  /// `export/_out_of_window`: the folder of every out-of-window partition of `stream`.
  public static func outOfWindowRoot(stream: String) -> String { "\(stream)/_out_of_window" }

  /// `export/_out_of_window/requested_day=2024-06-30`, relative to the root: the lines a request
  /// for day `requestedDay` (as a window's first or last day) returned for days outside the
  /// window. Any later fetch of that day replaces the folder, so a rerun with other windows
  /// never keeps the same line twice.
  public static func outOfWindow(stream: String, requestedDay: Day) -> String {
    "\(outOfWindowRoot(stream: stream))/requested_day=\(requestedDay)"
  }

  /// The `(from, to)` of a folder name of earlier versions, `window=F_T`, nil for other names.
  public static func legacyOutOfWindowRange(_ name: String) -> (from: Day, to: Day)? {
    guard name.hasPrefix("window="), name.count == 28 else { return nil }
    let text = name.dropFirst(7)
    guard let from = Day(String(text.prefix(10))), text.dropFirst(10).first == "_",
      let to = Day(String(text.suffix(10)))
    else { return nil }
    return (from, to)
  }

  /// `engage`, or `engage/snapshot_date=2024-07-15`, relative to the root.
  public static func tablePartition(stream: String, snapshotDate: Day?) -> String {
    snapshotDate.map { "\(stream)/snapshot_date=\($0)" } ?? stream
  }

  /// `day=2024-06-01` → ("day", 2024-06-01); `snapshot_date=…` likewise; other names → (nil, nil).
  public static func parseFolder(_ name: String) -> (key: String?, day: Day?) {
    guard let equals = name.firstIndex(of: "=") else { return (nil, nil) }
    return (String(name[..<equals]), Day(name[name.index(after: equals)...]))
  }

  /// Whether `name` is one of the lake's own files or a temporary (`_…`, `.…`), not data.
  public static func isHidden(_ name: String) -> Bool {
    name.hasPrefix("_") || name.hasPrefix(".")
  }
}
