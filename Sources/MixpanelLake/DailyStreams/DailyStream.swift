import CalendarDay
import MixpanelAPI

/// The Query API streams copied incrementally by day (design.md §4): each day is one partition,
/// `<stream>/day=YYYY-MM-DD/`, replaced whole whenever the day is fetched again.
public enum DailyStream: String, CaseIterable, Sendable {
  /// One row per saved funnel per day (`funnels/list` once per run, then `funnels` per funnel
  /// per window).
  case funnels
  /// One row per day from the legacy `engage/revenue`; an error from it skips the stream with a
  /// warning.
  case revenue

  /// The stream's name in config, on the command line, in the lake and in `_state.json`.
  public var name: String { rawValue }

  /// The columns that identify a row (Singer's `key_properties`).
  public var keyProperties: [String] {
    switch self {
    case .funnels: return ["funnel_id", "date"]
    case .revenue: return ["date"]
    }
  }

  /// The daily streams among `names`, in the order they run.
  public static func selected(_ names: [StreamName]) -> [DailyStream] {
    allCases.filter { names.contains($0.streamName) }
  }
}

/// A response member whose key is not a `YYYY-MM-DD` day (or a funnel without an id).
struct DailyRecordError: Error, CustomStringConvertible {
  let context: String
  let detail: String

  var description: String { "\(context): unexpected response (\(detail))" }
}

/// The lake's row shapes for the daily streams: one compact JSON object per line, values as
/// Mixpanel sent them.
enum DailyRecord {
  /// `YYYY-MM-DDT00:00:00Z`, the `datetime` column tap-mixpanel adds next to `date`.
  static func datetime(_ day: Day) -> JSONNode { .string("\(day)T00:00:00Z") }

  /// The rows of one funnel's `data` object: `{"funnel_id", "name", "date", "datetime", "steps",
  /// "analysis"}` per day. A segmented day (`{"$overall": [...], …}`) or a bare steps array
  /// keeps its overall steps and has no analysis.
  static func funnelRows(
    funnelID: JSONNode, name: JSONNode, data: [(key: String, value: JSONNode)], context: String
  ) throws -> [(day: Day, line: [UInt8])] {
    try data.map { member in
      guard let day = Day(member.key) else {
        throw DailyRecordError(context: context, detail: "data key '\(member.key)' is not a day")
      }
      let steps: JSONNode
      var analysis = JSONNode.null
      if let array = member.value.arrayValue {
        steps = .array(array)
      } else if let overall = member.value["$overall"] {
        steps = overall
      } else {
        steps = member.value["steps"] ?? .array([])
        analysis = member.value["analysis"] ?? .null
      }
      let row = JSONNode.object([
        ("funnel_id", funnelID), ("name", name), ("date", .string("\(day)")), ("datetime", datetime(day)),
        ("steps", steps), ("analysis", analysis),
      ])
      return (day, row.bytes)
    }
  }

  /// The rows of a revenue `results` object (the `$overall` summary left out):
  /// `{"date", "datetime", "amount", "count", "paid_count"}` per day.
  static func revenueRows(_ results: [(key: String, value: JSONNode)], context: String) throws -> [(
    day: Day, line: [UInt8]
  )] {
    try results.filter { $0.key != "$overall" }.map { member in
      guard let day = Day(member.key) else {
        throw DailyRecordError(context: context, detail: "results key '\(member.key)' is not a day")
      }
      let row = JSONNode.object([
        ("date", .string("\(day)")), ("datetime", datetime(day)),
        ("amount", member.value["amount"] ?? .null), ("count", member.value["count"] ?? .null),
        ("paid_count", member.value["paid_count"] ?? .null),
      ])
      return (day, row.bytes)
    }
  }
}
