/// The seven streams, as named in config (`streams`), on the command line, in the lake's
/// folders, in `_state.json` bookmarks and in Singer messages.
public enum StreamName: String, CaseIterable, Sendable, Codable {
  /// Raw events, incremental by day (the export API).
  case export
  case engage
  case cohorts
  case cohortMembers = "cohort_members"
  case annotations
  case funnels
  case revenue

  public var name: String { rawValue }

  /// The full-table stream this is, if it is one.
  public var fullTable: FullTableStream? { FullTableStream(rawValue: rawValue) }
  /// The daily Query stream this is, if it is one.
  public var daily: DailyStream? { DailyStream(rawValue: rawValue) }

  /// Every stream's name, comma-separated, for messages.
  public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension FullTableStream {
  public var streamName: StreamName {
    switch self {
    case .engage: .engage
    case .cohorts: .cohorts
    case .cohortMembers: .cohortMembers
    case .annotations: .annotations
    }
  }
}

extension DailyStream {
  public var streamName: StreamName {
    switch self {
    case .funnels: .funnels
    case .revenue: .revenue
    }
  }
}
