/// How far the lake's count for a day may differ from Mixpanel's before `verify` fails
/// (mixpanel-api.md §10.7.5). Our engineering defaults, not Mixpanel figures.
///
/// The lake side is the number of **distinct** rows (`event`, `distinct_id`, `time`,
/// `$insert_id`): Mixpanel's counts deduplicate exact duplicates at query time, the raw export
/// does not. With `d` = lake distinct rows and `q` = Mixpanel's count:
///
/// | Case                                        | Verdict            | `verify`                           |
/// | ------------------------------------------- | ------------------ | ---------------------------------- |
/// | `d == q`                                    | `.equal`           | OK                                 |
/// | `q < d ≤ q + max(5, 0.1 % of q)`            | `.withinTolerance` | OK (compaction-time dedup, edges)  |
/// | `d > q + allowance`                         | `.lakeExcess`      | error (wrong timezone, data view?) |
/// | `d < q`                                     | `.lakeShort`       | error: re-export the day           |
///
/// The rule is applied to the day total over all names first: merging names in Lexicon moves
/// counts between names, never in or out of a day, so a total within tolerance passes and names
/// that differ only warn. When the total fails, names whose Mixpanel count is 0 or almost 0
/// (at most 0.1 % of the lake's: hidden in Lexicon, not queryable) are warned about and left
/// out of both sides, and the rest decides. Days not older than the lookback window (today −
/// (attribution_window + 1) in the project timezone, so today − 6 by default) may still change
/// in Mixpanel (late events, cached results), so their differences only warn.
public struct CountTolerance: Sendable, Equatable {
  /// Rows the lake may exceed Mixpanel by on any day (default 5).
  public var absoluteRows: Int
  /// Share of Mixpanel's count the lake may exceed it by (default 0.001, i.e. 0.1 %).
  public var fractionOfMixpanel: Double

  public init(absoluteRows: Int = 5, fractionOfMixpanel: Double = 0.001) {
    precondition(absoluteRows >= 0 && fractionOfMixpanel >= 0, "tolerances must not be negative")
    self.absoluteRows = absoluteRows
    self.fractionOfMixpanel = fractionOfMixpanel
  }

  /// The documented default: max(5 rows, 0.1 % of Mixpanel's count).
  public static let standard = CountTolerance()

  /// Rows the lake may exceed a Mixpanel count of `mixpanel` by.
  public func allowedExcess(mixpanel: Int) -> Int {
    max(absoluteRows, Int((Double(mixpanel) * fractionOfMixpanel).rounded(.down)))
  }

  /// Classifies a day total (or one name's count) of `lake` distinct rows against `mixpanel`.
  public func classify(lake: Int, mixpanel: Int) -> CountVerdict {
    if lake == mixpanel { return .equal }
    if lake < mixpanel { return .lakeShort(mixpanel - lake) }
    let excess = lake - mixpanel
    return excess <= allowedExcess(mixpanel: mixpanel) ? .withinTolerance(excess) : .lakeExcess(excess)
  }

  /// Whether one event name looks not queryable: far more rows in the lake than Mixpanel counts,
  /// and Mixpanel's count is 0 or almost 0 (at most 0.1 % of the lake's).
  public func looksNotQueryable(lake: Int, mixpanel: Int) -> Bool {
    guard case .lakeExcess = classify(lake: lake, mixpanel: mixpanel) else { return false }
    return mixpanel * 1_000 <= lake
  }
}

/// The outcome of comparing one count with Mixpanel's.
public enum CountVerdict: Sendable, Equatable {
  case equal
  /// The lake has this many more rows, within ``CountTolerance``.
  case withinTolerance(Int)
  /// The lake has this many more rows than the tolerance allows.
  case lakeExcess(Int)
  /// The lake has this many fewer rows than Mixpanel counts.
  case lakeShort(Int)

  /// Whether the verdict is a failure (outside the tolerance).
  public var isMismatch: Bool {
    switch self {
    case .equal, .withinTolerance: return false
    case .lakeExcess, .lakeShort: return true
    }
  }
}
