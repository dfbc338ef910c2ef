public import CalendarDay
public import Foundation
import Lake
public import Logging

/// `mixpanel-lake reset`: removes a stream's partitions (all, or the days `from…to`) so that
/// the next `export` fetches them again.
///
/// ```
///  lock + lease ─► move the bookmark back ─► remove each partition (empty manifest first)
///  ─► clear _SUCCESS ─► _runs/<run-id>-reset.json
/// ```
///
/// The bookmark moves first: a reset stopped half-way leaves the next export refetching the
/// range, never a gap it skips. With a range, the bookmark becomes (at most) the start of
/// `from + attribution_window`, so the next plan starts exactly at `from` (§3.6; earlier when
/// the range reaches into the attribution window, which the next run refetches anyway); without one it
/// is removed and the next plan starts at `start_date`. Full-table streams are reset whole
/// (their current copy and their snapshots; engage's interrupted pass too).
public enum LakeReset {
  /// The end of a reset's record name, `_runs/<run-id>-reset.json`.
  static let fileSuffix = "reset"

  /// What a reset did; written to `_runs/<run-id>-reset.json`.
  public struct Record: Sendable, Encodable, Equatable {
    public var runID: String
    public var stream: String
    public var fromDate: String?
    public var toDate: String?
    public var startedAt: String
    public var partitionsRemoved: [String]
    public var rowsRemoved: Int
    public var bookmarkBefore: String?
    public var bookmarkAfter: String?
    /// The first day the next export plans, when the stream has a bookmark.
    public var nextFirstDay: String?

    enum CodingKeys: String, CodingKey {
      case runID = "run_id"
      case stream
      case fromDate = "from_date"
      case toDate = "to_date"
      case startedAt = "started_at"
      case partitionsRemoved = "partitions_removed"
      case rowsRemoved = "rows_removed"
      case bookmarkBefore = "bookmark_before"
      case bookmarkAfter = "bookmark_after"
      case nextFirstDay = "next_first_day"
    }
  }

  /// Resets `stream` of `config`'s lake; throws ``ConfigError`` for a range on a full-table
  /// stream or a reversed range, and ``LakeError`` (exit 4) while another run holds the lake.
  public static func run(
    config: LakeConfig, stream: StreamName, from: Day?, to: Day?, logger: Logger, now: Date = Date()
  ) throws -> Record {
    if stream.fullTable != nil, from != nil || to != nil {
      throw ConfigError.invalid(
        "--from", "\(stream.name) is a full table: reset it whole, without --from and --to")
    }
    if let from, let to, to < from {
      throw ConfigError.invalid("--to", "must be on or after --from (\(from))")
    }
    let lock = try LakeLock.acquire(lake: config.lake)
    defer { withExtendedLifetime(lock) {} }
    let runID = RunSummary.makeRunID(now)
    let lease = try LakeLease.acquire(lake: config.lake, runID: runID, seconds: config.leaseSeconds)
    defer { lease.release() }
    let started = Timestamp.iso8601(Int64(now.timeIntervalSince1970))
    var record = Record(
      runID: runID, stream: stream.name, fromDate: from.map { "\($0)" }, toDate: to.map { "\($0)" },
      startedAt: started, partitionsRemoved: [], rowsRemoved: 0)
    // The bookmark first: a reset stopped half-way still refetches its range.
    if stream.fullTable == nil {
      var state = try StateStore.read(config.resolvedStatePath)
      record.bookmarkBefore = state.bookmarks[stream.name]
      let old = record.bookmarkBefore.flatMap(Timestamp.parse)
      var new: Int64?
      if let from, let old {
        new = min(old, from.adding(days: config.attributionWindow).startEpochSeconds)
      }
      state.bookmarks[stream.name] = new.map(Timestamp.iso8601)
      record.bookmarkAfter = state.bookmarks[stream.name]
      record.nextFirstDay = new.map {
        "\(max(config.startDate, Day(epochSeconds: $0).adding(days: -config.attributionWindow)))"
      }
      try lease.check()
      try StateStore.write(state, to: config.resolvedStatePath)
    }
    let fence = CommitFence(lease: lease)
    // A whole stream goes with its schema, first (a table's folder then empties and goes with its
    // last partition); a range keeps it: it covers what is left, and the refetch merges into it.
    if from == nil, to == nil {
      try? FileSystem.remove(LakeLayout(root: config.lake).path(LakeLayout.schema(stream: stream.name)))
    }
    for relative in partitions(of: stream, lake: config.lake, from: from, to: to) {
      if let removed = try PartitionRemoval.remove(
        lakeRoot: config.lake, relative: relative, stream: stream.name, runID: runID, committedAt: started,
        fence: fence)
      {
        record.partitionsRemoved.append(removed.relative)
        record.rowsRemoved += removed.rows
      }
    }
    if stream == .engage { EngageCheckpoint.remove(lake: config.lake) }
    try SuccessMarker.clear(lake: config.lake)
    try RunRecord.write(record, lake: config.lake, runID: runID, suffix: fileSuffix)
    logger.notice(
      "reset.done",
      metadata: [
        "stream": "\(stream.name)", "partitions": "\(record.partitionsRemoved.count)",
        "rows": "\(record.rowsRemoved)", "bookmark": "\(record.bookmarkAfter ?? "none")",
      ])
    return record
  }

  /// The partition folders (relative to the lake) a reset of `stream` removes: day partitions
  /// (with export's out-of-window and quarantine folders) in the range, or a full table's copy
  /// and snapshots.
  static func partitions(of stream: StreamName, lake: String, from: Day?, to: Day?) -> [String] {
    func inRange(_ day: Day) -> Bool { (from.map { day >= $0 } ?? true) && (to.map { day <= $0 } ?? true) }
    func folders(_ relative: String, key: String) -> [String] {
      ((try? FileSystem.list("\(lake)/\(relative)")) ?? []).sorted().compactMap { name in
        let (found, day) = LakeLayout.parseFolder(name)
        guard found == key, let day, inRange(day) else { return nil }
        return "\(relative)/\(name)"
      }
    }
    if stream.fullTable != nil {
      return folders(stream.name, key: "snapshot_date") + [stream.name]
    }
    return folders(stream.name, key: "day")
      + folders(LakeLayout.outOfWindowRoot(stream: stream.name), key: "requested_day")
      + folders(LakeLayout.quarantineRoot(stream: stream.name), key: "requested_day")
  }
}
