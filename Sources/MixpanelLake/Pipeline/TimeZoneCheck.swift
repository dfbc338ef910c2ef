import CalendarDay
import Foundation
import Lake
import Logging
import MixpanelAPI

/// Whether `legacy_project_timezone` matches the data, checked once per run on the first
/// committed window with rows (off the hot path: it reads back up to ``sampleSize`` lines).
///
/// Projects created before 2023 export `time` as project-local wall-clock seconds; newer ones
/// as true UTC. `mp_processing_time_ms` is always true UTC (when Mixpanel ingested the event,
/// normally seconds after `time`). So the median of `time − mp_processing_time_ms / 1000` sits
/// near 0 for a UTC project and near the zone's UTC offset for a legacy one. A setting that
/// contradicts the data shifts every `time` by the offset and bookmarks with it; the check only
/// warns, naming the key and the value the data fits: it never changes the setting.
enum TimeZoneCheck {
  static let sampleSize = 2_000

  enum Verdict: Equatable {
    /// The data looks legacy (times shifted by the zone's offset) but the key says false.
    case looksLegacy
    /// The data looks like true UTC but the key says true.
    case looksUTC
  }

  /// The verdict for `gaps` (`time − mp_processing_time_ms / 1000`, seconds) in a project whose
  /// zone is `offset` seconds from UTC; nil when the data agrees or cannot tell (a zone within
  /// an hour of UTC, too few events).
  static func verdict(gaps: [Int64], offset: Int64, legacy: Bool) -> Verdict? {
    guard gaps.count >= 20, abs(offset) >= 3_600 else { return nil }
    let median = gaps.sorted()[gaps.count / 2]
    if !legacy, abs(median - offset) <= 3_600 { return .looksLegacy }
    if legacy, abs(median) <= 3_600 { return .looksUTC }
    return nil
  }

  /// `time − mp_processing_time_ms / 1000` of the first ``sampleSize`` events of a part file
  /// that have both; it reads no further than they take.
  static func gaps(path: String, compression: Compression, timeInMilliseconds: Bool) -> [Int64] {
    var gaps: [Int64] = []
    try? PartFileReader.readLines(path: path, compression: compression) { line in
      if let event = try? JSONNode(parsing: Array(line)),
        case .number(let timeText)? = event["properties"]?["time"],
        case .number(let processedText)? = event["properties"]?["mp_processing_time_ms"],
        let time = Double(timeText), let processed = Double(processedText)
      {
        let seconds = timeInMilliseconds ? time / 1_000 : time
        gaps.append(Int64((seconds - processed / 1_000).rounded()))
      }
      return gaps.count < sampleSize
    }
    return gaps
  }

  /// Reads the first part of the first day with rows in `committed` and warns on a mismatch.
  static func check(_ committed: WindowCommitSummary, config: LakeConfig, logger: Logger) {
    guard let day = committed.rowsPerDay.first(where: { $0.rows > 0 })?.day else { return }
    let folder = config.layout.path(LakeLayout.dayPartition(stream: StreamName.export.name, day: day))
    guard let file = (try? ManifestStore.read(directory: folder))??.files.first else { return }
    let gaps = gaps(
      path: "\(folder)/\(file.path)", compression: config.compression,
      timeInMilliseconds: config.timeInMilliseconds)
    let offset = Int64(
      config.projectZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(day.startEpochSeconds))))
    guard let verdict = verdict(gaps: gaps, offset: offset, legacy: config.legacyProjectTimezone) else {
      return
    }
    let fits = verdict == .looksLegacy
    logger.warning(
      "config.legacy_project_timezone_mismatch",
      metadata: [
        "legacy_project_timezone": "\(config.legacyProjectTimezone)",
        "data_fits": "legacy_project_timezone: \(fits)",
        "project_timezone": "\(config.projectTimezone)",
        "why": fits
          ? "exported times run \(offset / 3_600) h from mp_processing_time_ms: a project created before 2023"
          : "exported times agree with mp_processing_time_ms (UTC): a project created in 2023 or later",
        "fix":
          "set legacy_project_timezone to \(fits) if that is right; times and bookmarks are shifted otherwise",
      ])
  }
}
