import CalendarDay
import Foundation

/// Maps an exported row to the day Mixpanel's Query API counts it on (mixpanel-api.md §10.7.4):
/// the partition's day when export days are project days (legacy projects, or a UTC project);
/// otherwise the date of `time` in the project timezone.
struct QueryDayMapper {
  /// nil: the partition day is the query day.
  let zone: TimeZone?
  private var offsets: [Int64: Int] = [:]

  /// - Parameter zone: the project's zone, validated (``LakeConfig/projectZone``).
  init(projectZone zone: TimeZone, legacy: Bool) {
    self.zone = legacy || Self.isUTC(zone) ? nil : zone
  }

  /// The mapper for `config`'s project.
  init(_ config: LakeConfig) {
    self.init(projectZone: config.projectZone, legacy: config.legacyProjectTimezone)
  }

  /// Whether `zone` never leaves UTC.
  private static func isUTC(_ zone: TimeZone) -> Bool {
    zone.identifier == "UTC" || zone.identifier == "GMT" || zone.identifier == "Etc/UTC"
  }

  mutating func day(time: Int64?, partitionDay: Day) -> Day {
    guard let zone, let time else { return partitionDay }
    // Exported `time` is seconds, or milliseconds with time_in_ms.
    let seconds = time > 100_000_000_000 ? time / 1_000 : time
    let hour = seconds / 3_600
    let offset: Int
    if let cached = offsets[hour] {
      offset = cached
    } else {
      offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3_600)))
      offsets[hour] = offset
    }
    return Day(epochSeconds: seconds + Int64(offset))
  }

  /// The query days that overlap export (partition) day `day`: one, or two where the project's
  /// zone is not UTC.
  func queryDays(of day: Day) -> [Day] {
    guard let zone else { return [day] }
    func local(_ epoch: Int64) -> Day {
      Day(epochSeconds: epoch + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(epoch)))))
    }
    let first = local(day.startEpochSeconds)
    let last = local(day.adding(days: 1).startEpochSeconds - 1)
    return Array(sequence(first: first) { $0 < last ? $0.adding(days: 1) : nil })
  }

  /// The export (partition) days that hold the rows of query day `day`.
  func partitionDays(of day: Day) -> [Day] {
    guard let zone else { return [day] }
    let start = day.startEpochSeconds
    let end = day.adding(days: 1).startEpochSeconds - 1
    let first = Day(
      epochSeconds: start - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start)))))
    let last = Day(
      epochSeconds: end - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(end)))))
    return Array(sequence(first: first) { $0 < last ? $0.adding(days: 1) : nil })
  }
}
