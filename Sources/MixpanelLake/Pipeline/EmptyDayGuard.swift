import CalendarDay
import Foundation
import Lake
import Logging
import MixpanelAPI
import NDJSON

/// Stands between an export answer and the commit that would replace a day holding rows with
/// nothing. Empty days are real (a quiet day, a narrow `export_events`), so an empty answer is
/// not refused outright; but one empty `200` (a proxy's, an incident's) must not wipe a day
/// of the lake. So a day that the new answer leaves empty while its committed partition holds
/// rows is confirmed with Mixpanel's own count (the Query API's `/events`, as `verify` uses):
/// only a count of zero lets the empty day replace the old one. A count above zero, or none to
/// be had, fails the window, and every day of it keeps what it held.
///
/// Also warns when a replaced day shrinks below half of its rows: GDPR deletions shrink days
/// legitimately, so that is a warning, never a failure.
struct EmptyDayGuard: Sendable {
  let config: LakeConfig
  let logger: Logger
  /// Today's date in the project's time zone (the Query API's days; a later `to_date` is a 400).
  let projectToday: @Sendable () -> Day
  /// Mixpanel's counts of `names` per day over `from...to` (``CountFetcher``: batches of names
  /// under the Query limiter, with retries).
  let counts: @Sendable (_ names: [String], _ from: Day, _ to: Day) async throws -> EventCounts

  /// A day the new answer leaves empty, with the committed partition it would replace.
  struct Emptied: Sendable {
    let day: Day
    let oldRows: Int
    let manifest: Manifest
    let folder: String
  }

  /// Checks the window's days against their committed partitions; throws
  /// ``WindowError/Kind/unconfirmedEmptyDay`` when an emptied day cannot be confirmed.
  func check(_ window: DayWindow, newRows: [(day: Day, rows: Int)], stream: String) async throws {
    var emptied: [Emptied] = []
    for (day, rows) in newRows {
      let folder = config.layout.path(LakeLayout.dayPartition(stream: stream, day: day))
      guard let old = try ManifestStore.read(directory: folder), old.rows > 0 else { continue }
      if rows == 0 {
        emptied.append(Emptied(day: day, oldRows: old.rows, manifest: old, folder: folder))
      } else if rows * 2 < old.rows {
        logger.warning(
          "window.day_shrank",
          metadata: [
            "day": "\(day)", "rows_before": "\(old.rows)", "rows_now": "\(rows)",
            "note": "Mixpanel now serves under half the rows it served before (GDPR deletions do this)",
          ])
      }
    }
    guard !emptied.isEmpty else { return }
    let days = emptied.map(\.day)
    func refuse(_ reason: String) -> WindowError {
      WindowError.unconfirmedEmptyDay(window, days: days, oldRows: emptied.map(\.oldRows), reason: reason)
    }
    if config.exportWhere != nil {
      throw refuse("export_where is set, and Mixpanel's daily counts cannot apply it")
    }
    var names = try await BlockingIO.run { [emptied] in try Self.eventNames(emptied) }
    guard !names.isEmpty else { throw refuse("the lake's rows for those days name no event to count") }
    // With export_events, only those names are asked for: the old rows of other names (from
    // before export_events was narrowed) are rightly replaced.
    if let selected = config.exportEvents.map(Set.init) {
      names = names.filter(selected.contains)
      guard !names.isEmpty else {
        logger.info(
          "window.empty_days_confirmed",
          metadata: ["window": "\(window)", "reason": "export_events selects none of the names they held"])
        return
      }
    }
    // The Query API counts project-time-zone days: a UTC export day spans one or two of them.
    let today = projectToday()
    let mapper = QueryDayMapper(config)
    let queryDays = Set(days.flatMap(mapper.queryDays(of:))).filter { $0 <= today }
    guard let from = queryDays.min(), let to = queryDays.max() else { return }
    var counted = 0
    do {
      let result = try await counts(names, from, to)
      for name in names { for day in queryDays { counted += result.count(name, on: day) } }
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      throw refuse("Mixpanel's daily counts could not be had to confirm them (\(error))")
    }
    guard counted == 0 else {
      throw refuse("Mixpanel's own daily counts hold \(counted) events there")
    }
    logger.info(
      "window.empty_days_confirmed",
      metadata: ["window": "\(window)", "days": "\(days.map { "\($0)" }.joined(separator: ","))"])
  }

  /// The distinct event names in the committed partitions of `emptied`, sorted.
  static func eventNames(_ emptied: [Emptied]) throws -> [String] {
    var raw = Set<[UInt8]>()
    for entry in emptied {
      let compression = Compression(rawValue: entry.manifest.compression) ?? .zstd
      for file in entry.manifest.files {
        _ = try PartFileReader.read(path: "\(entry.folder)/\(file.path)", compression: compression) { line in
          guard let fields = try? JSONLineScanner.scan(line), let range = fields.event else { return }
          raw.insert(Array(UnsafeRawBufferPointer(rebasing: line[range])))
        }
      }
    }
    return raw.compactMap { (try? JSONNode(parsing: $0))?.stringValue }.sorted()
  }
}
