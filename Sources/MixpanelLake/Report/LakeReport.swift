public import CalendarDay
import Foundation
public import Lake

/// What a lake holds, read from its manifests and run records only (no part file is opened):
/// rows per day per stream, the days missing between the first and the last, and the days the
/// latest run replaced. ``ReportHTML`` renders it.
public struct LakeReport: Sendable {
  /// One day of a day-partitioned stream (a gap when it has no partition).
  public struct DayEntry: Sendable, Equatable {
    public var day: Day
    /// nil for a gap: no committed partition for the day.
    public var rows: Int?
    public var bytes: Int
    public var uncompressedBytes: Int
    /// Committed by the latest run (`run_id` of the newest `_runs/*.json`).
    public var replacedByLatestRun: Bool
    /// Mixpanel's own count of the day (`report --counts`), nil when not asked.
    public var mixpanel: Int? = nil

    public var isGap: Bool { rows == nil }
    /// The lake's rows and Mixpanel's count disagree beyond `verify`'s tolerance (a gap with a
    /// count above zero included).
    public var differsFromMixpanel: Bool {
      guard let mixpanel else { return false }
      return CountTolerance.standard.classify(lake: rows ?? 0, mixpanel: mixpanel).isMismatch
    }
  }

  /// One stream folder of the lake.
  public struct StreamEntry: Sendable, Equatable {
    public var stream: String
    /// Every day from the first partition's to the last's, gaps included (empty for full tables).
    public var days: [DayEntry]
    /// Committed partitions (folders with a manifest).
    public var partitions: Int
    public var rows: Int
    public var bytes: Int
    public var uncompressedBytes: Int

    public var gaps: [Day] { days.filter(\.isGap).map(\.day) }
    public var replaced: [Day] { days.filter(\.replacedByLatestRun).map(\.day) }
    /// Days whose rows differ from Mixpanel's counts (only with counts).
    public var differing: [Day] { days.filter(\.differsFromMixpanel).map(\.day) }
    /// Whether Mixpanel's counts were asked for this stream's days.
    public var hasCounts: Bool { days.contains { $0.mixpanel != nil } }
    /// Decompressed over stored size; nil when nothing is stored.
    public var compressionRatio: Double? {
      bytes > 0 ? Double(uncompressedBytes) / Double(bytes) : nil
    }
  }

  /// One run record of `_runs/` (an export run, a full-table or daily streams run, a reset).
  public struct RunEntry: Sendable, Equatable, Decodable {
    public var runID: String
    /// `export`, `full_table`, `daily` or `reset`, from the record's file name.
    public var kind: String = "export"
    public var startedAt: String?
    public var seconds: Double?
    public var status: String?
    public var plannedWindows: Int?
    public var committedWindows: Int?
    public var rows: Int?
    public var retries: Int?
    public var splits: Int?
    public var rowsRemoved: Int?
    /// Export requests that waited for the rate limiter, and for how long (seconds).
    public var rateLimitWaits: Int?
    public var rateLimitWaitSeconds: Double?
    /// The median MB/s one export connection moved (`connection_mb_per_second`).
    public var connectionMegabytesPerSecond: Double?

    /// The streams of a full-table or daily record.
    public var streams: [String] = []

    enum CodingKeys: String, CodingKey {
      case runID = "run_id"
      case startedAt = "started_at"
      case seconds, status
      case plannedWindows = "planned_windows"
      case committedWindows = "committed_windows"
      case rows, retries, splits
      case rowsRemoved = "rows_removed"
      case rateLimitWaits = "rate_limit_waits"
      case rateLimitWaitSeconds = "rate_limit_wait_seconds"
      case connectionMegabytesPerSecond = "connection_mb_per_second"
      case streams
    }

    private struct StreamPart: Decodable {
      var stream: String
      var status: String?
      var rows: Int?
      var retries: Int?
    }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      runID = try c.decode(String.self, forKey: .runID)
      // Full-table and daily records have no start: their run id begins with it.
      startedAt = try c.decodeIfPresent(String.self, forKey: .startedAt) ?? Self.time(ofRunID: runID)
      seconds = try c.decodeIfPresent(Double.self, forKey: .seconds)
      status = try c.decodeIfPresent(String.self, forKey: .status)
      plannedWindows = try c.decodeIfPresent(Int.self, forKey: .plannedWindows)
      committedWindows = try c.decodeIfPresent(Int.self, forKey: .committedWindows)
      rows = try c.decodeIfPresent(Int.self, forKey: .rows)
      retries = try c.decodeIfPresent(Int.self, forKey: .retries)
      splits = try c.decodeIfPresent(Int.self, forKey: .splits)
      rowsRemoved = try c.decodeIfPresent(Int.self, forKey: .rowsRemoved)
      rateLimitWaits = try c.decodeIfPresent(Int.self, forKey: .rateLimitWaits)
      rateLimitWaitSeconds = try c.decodeIfPresent(Double.self, forKey: .rateLimitWaitSeconds)
      connectionMegabytesPerSecond = try c.decodeIfPresent(Double.self, forKey: .connectionMegabytesPerSecond)
      if let parts = try? c.decodeIfPresent([StreamPart].self, forKey: .streams) {
        streams = parts.map(\.stream)
        rows = rows ?? parts.reduce(0) { $0 + ($1.rows ?? 0) }
        retries = retries ?? parts.reduce(0) { $0 + ($1.retries ?? 0) }
        let failed = parts.filter { $0.status != "committed" }.map { "\($0.stream) \($0.status ?? "?")" }
        status = status ?? (failed.isEmpty ? "succeeded" : failed.joined(separator: ", "))
      }
    }

    /// `20240715T120000Z-…` → `2024-07-15T12:00:00Z`.
    static func time(ofRunID id: String) -> String? {
      let c = Array(id.prefix(16))
      guard c.count == 16, c[8] == "T", c[15] == "Z" else { return nil }
      let s = String(c)
      func part(_ from: Int, _ length: Int) -> Substring { s.dropFirst(from).prefix(length) }
      return "\(part(0, 4))-\(part(4, 2))-\(part(6, 2))T\(part(9, 2)):\(part(11, 2)):\(part(13, 2))Z"
    }
  }

  public var lake: String
  /// Run records, newest first (at most ``runsShown``).
  public var runs: [RunEntry] = []
  public static let runsShown = 30
  /// The newest run record's id, if any run left one.
  public var latestRunID: String?
  public var streams: [StreamEntry]
  /// Partition folders whose manifest could not be read.
  public var unreadable: [String]

  /// Sets Mixpanel's daily counts beside `stream`'s days (`report --counts`); days without a
  /// count keep none.
  public mutating func addCounts(_ counts: [Day: Int], stream name: String) {
    guard let index = streams.firstIndex(where: { $0.stream == name }) else { return }
    for position in streams[index].days.indices {
      streams[index].days[position].mixpanel = counts[streams[index].days[position].day]
    }
  }

  /// Reads the manifests under `lake` and its `_runs/` records.
  public static func build(lake: String) throws(LakeError) -> LakeReport {
    guard FileSystem.isDirectory(lake) else {
      throw .usage("no lake directory at \(lake); check --lake")
    }
    // One read of `_runs/`: the table of runs, and the newest run's id for the replaced days.
    let runs = try runs(lake: lake)
    let latest = runs.first?.runID
    var unreadable: [String] = []
    var byStream: [String: [(LakePartition, Manifest)]] = [:]
    var order: [String] = []
    for partition in try LakePartitions.list(lake: lake) {
      let manifest: Manifest?
      do {
        manifest = try ManifestStore.read(directory: "\(lake)/\(partition.relativePath)")
      } catch {
        unreadable.append(partition.relativePath)
        continue
      }
      guard let manifest else { continue }
      if byStream[partition.stream] == nil { order.append(partition.stream) }
      byStream[partition.stream, default: []].append((partition, manifest))
    }
    let streams = order.map { stream(named: $0, byStream[$0]!, latest: latest) }
    var report = LakeReport(lake: lake, latestRunID: latest, streams: streams, unreadable: unreadable)
    report.runs = Array(runs.prefix(runsShown))
    return report
  }

  private static func stream(
    named name: String, _ partitions: [(LakePartition, Manifest)], latest: String?
  ) -> StreamEntry {
    var entry = StreamEntry(
      stream: name, days: [], partitions: partitions.count,
      rows: partitions.reduce(0) { $0 + $1.1.rows }, bytes: partitions.reduce(0) { $0 + $1.1.bytes },
      uncompressedBytes: partitions.reduce(0) { $0 + $1.1.uncompressedBytes })
    var byDay: [Day: Manifest] = [:]
    for (partition, manifest) in partitions where partition.isDayPartition {
      if let day = partition.day { byDay[day] = manifest }
    }
    guard let first = byDay.keys.min(), let last = byDay.keys.max() else { return entry }
    var day = first
    while day <= last {
      if let manifest = byDay[day] {
        entry.days.append(
          DayEntry(
            day: day, rows: manifest.rows, bytes: manifest.bytes,
            uncompressedBytes: manifest.uncompressedBytes,
            replacedByLatestRun: latest != nil && manifest.runID == latest))
      } else {
        entry.days.append(
          DayEntry(day: day, rows: nil, bytes: 0, uncompressedBytes: 0, replacedByLatestRun: false))
      }
      day = day.adding(days: 1)
    }
    return entry
  }

  /// The run records of `_runs/`, newest first (latest `started_at`, then run id); records
  /// that cannot be read are left out.
  static func runs(lake: String) throws(LakeError) -> [RunEntry] {
    let directory = LakeLayout(root: lake).runs
    var runs: [RunEntry] = []
    for name in try FileSystem.list(directory) where name.hasSuffix(".json") && !name.hasPrefix(".") {
      guard let bytes = try? FileSystem.read("\(directory)/\(name)"),
        var run = try? JSONDecoder().decode(RunEntry.self, from: Data(bytes))
      else { continue }
      for kind in RunRecord.suffixes where name.hasSuffix("-\(kind).json") { run.kind = kind }
      runs.append(run)
    }
    return runs.sorted { ($0.startedAt ?? "", $0.runID, $0.kind) > ($1.startedAt ?? "", $1.runID, $1.kind) }
  }
}
