import CalendarDay
import MixpanelAPI

/// Compares one day of the lake with Mixpanel's counts, by ``CountTolerance``'s rule.
///
/// 1. The day total over all names: merging names in Lexicon moves counts between names but
///    never in or out of the day, so a total within tolerance is OK (differing names only warn).
/// 2. Otherwise names Mixpanel does not count (hidden) are warned about and left out of both
///    sides, and the rest is classified again.
enum DayCountCheck {
  struct NameCount {
    var name: String
    var lake: EventTally.Count
    var mixpanel: Int
  }

  static func compare(
    day: Day, lake: [String: EventTally.Count], mixpanel: EventCounts, tolerance: CountTolerance,
    settled: Bool
  ) -> (DayCountComparison, [VerifyProblem]) {
    var problems: [VerifyProblem] = []
    let location = "export \(day)"
    var names = Set(lake.keys)
    for (name, days) in mixpanel.values where (days[day] ?? 0) > 0 { names.insert(name) }
    var counted: [NameCount] = []
    var unnamedRows = 0
    for name in names.sorted() {
      let count = lake[name] ?? EventTally.Count()
      if name.isEmpty {
        // Rows without a readable event name cannot be matched with any count.
        unnamedRows = count.rows
        problems.append(
          VerifyProblem(.warning, .notQueryable, at: location, "\(count.rows) row(s) without an event name"))
      } else {
        counted.append(NameCount(name: name, lake: count, mixpanel: mixpanel.count(name, on: day)))
      }
    }
    let lakeRows = counted.reduce(unnamedRows) { $0 + $1.lake.rows }
    var kept = counted
    var notQueryableRows = unnamedRows
    var verdict = classify(kept, tolerance)
    if verdict.isMismatch {
      let hidden = counted.filter {
        tolerance.looksNotQueryable(lake: $0.lake.distinct, mixpanel: $0.mixpanel)
      }
      for name in hidden {
        notQueryableRows += name.lake.distinct
        problems.append(
          VerifyProblem(
            .warning, .notQueryable, at: location,
            "'\(name.name)': \(name.lake.distinct) rows in the lake, Mixpanel counts \(name.mixpanel) "
              + "(hidden in Lexicon?); left out of the day total"))
      }
      kept = counted.filter { name in !hidden.contains { $0.name == name.name } }
      verdict = classify(kept, tolerance)
    }
    let lakeDistinct = kept.reduce(0) { $0 + $1.lake.distinct }
    let mixpanelRows = kept.reduce(0) { $0 + $1.mixpanel }
    let differing = kept.filter {
      tolerance.classify(lake: $0.lake.distinct, mixpanel: $0.mixpanel).isMismatch
    }
    let detail = differing.prefix(3).map { "'\($0.name)' \($0.lake.distinct) vs \($0.mixpanel)" }
      .joined(separator: ", ")
    let namesNote = detail.isEmpty ? "" : " (by name, lake vs Mixpanel: \(detail))"
    let recentNote = settled ? "" : "; the day is within the lookback window, so Mixpanel may still change"
    let severity: VerifyProblem.Severity = settled ? .error : .warning
    switch verdict {
    case .lakeShort(let missing):
      problems.append(
        VerifyProblem(
          severity, .countMismatch, at: location,
          "lake has \(missing) fewer rows than Mixpanel counts (\(lakeDistinct) vs \(mixpanelRows))\(namesNote); "
            + "re-export the day\(recentNote)"))
    case .lakeExcess(let extra):
      problems.append(
        VerifyProblem(
          severity, .countMismatch, at: location,
          "lake has \(extra) more distinct rows than Mixpanel counts (\(lakeDistinct) vs \(mixpanelRows), "
            + "allowed \(tolerance.allowedExcess(mixpanel: mixpanelRows)))\(namesNote); "
            + "check project_timezone, legacy_project_timezone and the data view\(recentNote)"))
    case .equal, .withinTolerance:
      if !differing.isEmpty {
        problems.append(
          VerifyProblem(
            .warning, .countMismatch, at: location,
            "day total agrees but names differ\(namesNote); merged events in Lexicon?"))
      }
    }
    let comparison = DayCountComparison(
      day: day, lakeRows: lakeRows, lakeDistinctRows: lakeDistinct, mixpanelRows: mixpanelRows,
      notQueryableRows: notQueryableRows, verdict: verdict, settled: settled)
    return (comparison, problems)
  }

  private static func classify(_ names: [NameCount], _ tolerance: CountTolerance) -> CountVerdict {
    tolerance.classify(
      lake: names.reduce(0) { $0 + $1.lake.distinct }, mixpanel: names.reduce(0) { $0 + $1.mixpanel })
  }
}
