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

    public var isGap: Bool { rows == nil }
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
    /// Decompressed over stored size; nil when nothing is stored.
    public var compressionRatio: Double? {
      bytes > 0 ? Double(uncompressedBytes) / Double(bytes) : nil
    }
  }

  public var lake: String
  /// The newest run record's id, if any run left one.
  public var latestRunID: String?
  public var streams: [StreamEntry]
  /// Partition folders whose manifest could not be read.
  public var unreadable: [String]

  /// Reads the manifests under `lake` and its `_runs/` records.
  public static func build(lake: String) throws(LakeError) -> LakeReport {
    guard FileSystem.isDirectory(lake) else {
      throw .usage("no lake directory at \(lake); check --lake")
    }
    let latest = try latestRunID(lake: lake)
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
    return LakeReport(lake: lake, latestRunID: latest, streams: streams, unreadable: unreadable)
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

  /// The `run_id` of the newest `_runs/*.json` (latest `started_at`, then name).
  static func latestRunID(lake: String) throws(LakeError) -> String? {
    struct Record: Decodable {
      var runID: String
      var startedAt: String?
      enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case startedAt = "started_at"
      }
    }
    let directory = LakeLayout(root: lake).runs
    var newest: (startedAt: String, runID: String)?
    for name in try FileSystem.list(directory) where name.hasSuffix(".json") && !name.hasPrefix(".") {
      guard let bytes = try? FileSystem.read("\(directory)/\(name)"),
        let record = try? JSONDecoder().decode(Record.self, from: Data(bytes))
      else { continue }
      let candidate = (record.startedAt ?? "", record.runID)
      if newest.map({ candidate > $0 }) ?? true { newest = candidate }
    }
    return newest?.runID
  }
}
