public import CalendarDay

/// What `verify` checked and found. The CLI prints it; nothing here prints.
public struct VerifyReport: Sendable {
  public var problems: [VerifyProblem] = []
  /// Partitions (folders with a manifest) checked.
  public var partitions = 0
  /// Files checked against their manifest entries.
  public var files = 0
  /// Rows found in those files.
  public var rows = 0
  /// Days whose Mixpanel count was compared (nil: the counts check did not run).
  public var countedDays: Int?
  /// Per-day comparisons of the export stream with Mixpanel, oldest first.
  public var dayCounts: [DayCountComparison] = []

  public init() {}

  public var errors: [VerifyProblem] { problems.filter { $0.severity == .error } }
  public var warnings: [VerifyProblem] { problems.filter { $0.severity == .warning } }
  /// True when nothing is wrong (warnings allowed).
  public var passed: Bool { errors.isEmpty }
}

/// One project-timezone day of the export stream, lake against Mixpanel.
public struct DayCountComparison: Sendable, Equatable {
  public var day: Day
  /// Rows in the lake for the day (duplicates included).
  public var lakeRows: Int
  /// Distinct (`event`, `distinct_id`, `time`, `$insert_id`) rows: what Mixpanel counts.
  public var lakeDistinctRows: Int
  /// Mixpanel's count over the same names (names it does not count left out of both sides).
  public var mixpanelRows: Int
  /// Rows of names left out as not queryable.
  public var notQueryableRows: Int
  public var verdict: CountVerdict
  /// Within the lookback window: Mixpanel may still change, so a difference only warns.
  public var settled: Bool
}
