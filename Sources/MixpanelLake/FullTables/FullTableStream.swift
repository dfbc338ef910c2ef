/// The streams copied whole on every run (design.md §4): each is one snapshot table in the lake,
/// replaced per run (or dated, with `snapshots: true`).
public enum FullTableStream: String, CaseIterable, Sendable {
  case engage
  case cohorts
  case cohortMembers = "cohort_members"
  case annotations

  /// The stream's name in config, on the command line and in the lake.
  public var name: String { rawValue }

  /// The columns that identify a row (Singer's `key_properties`).
  public var keyProperties: [String] {
    switch self {
    case .engage: return ["distinct_id"]
    case .cohorts: return ["id"]
    case .cohortMembers: return ["cohort_id", "distinct_id"]
    case .annotations: return ["date"]
    }
  }

  /// Whether the stream reads `engage`, whose 402 ("plan does not allow API calls") skips the
  /// stream with a warning, as tap-mixpanel does, instead of failing it.
  var readsEngage: Bool { self == .engage || self == .cohortMembers }

  /// The full-table streams among `names`, in the order they run.
  public static func selected(_ names: [StreamName]) -> [FullTableStream] {
    allCases.filter { names.contains($0.streamName) }
  }
}
