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
  /// One `/events` call under the Query limiter, with its retries.
  let counts: @Sendable (EventCountsRequest) async throws -> EventCounts

  /// Names asked per `/events` call (mixpanel-api.md §10.7.3).
  static let namesPerRequest = 50

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
    var queryDays = Set<Day>()
    for day in days { queryDays.formUnion(queryDaysCovering(day)) }
    queryDays = queryDays.filter { $0 <= today }
    guard let from = queryDays.min(), let to = queryDays.max() else { return }
    var counted = 0
    do {
      for start in stride(from: 0, to: names.count, by: Self.namesPerRequest) {
        let batch = Array(names[start..<min(start + Self.namesPerRequest, names.count)])
        let result = try await counts(EventCountsRequest(names: batch, fromDate: from, toDate: to))
        for name in batch { for day in queryDays { counted += result.count(name, on: day) } }
        if counted > 0 { break }
      }
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

  /// The project-time-zone days that overlap export day `day`.
  func queryDaysCovering(_ day: Day) -> [Day] {
    guard !config.legacyProjectTimezone, config.projectTimezone != "UTC" else { return [day] }
    let zone = config.projectZone
    func local(_ epoch: Int64) -> Day {
      let date = Date(timeIntervalSince1970: Double(epoch))
      return Day(epochSeconds: epoch + Int64(zone.secondsFromGMT(for: date)))
    }
    let first = local(day.startEpochSeconds)
    let last = local(day.startEpochSeconds + 86_399)
    return first == last ? [first] : [first, last]
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
