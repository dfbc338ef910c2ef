import Lake

/// What one full-table stream did in a run. Holds no secret.
public struct StreamRunRecord: Sendable, Encodable {
  public enum Status: String, Sendable, Encodable {
    /// A new snapshot was committed.
    case committed
    /// Not exported, with a warning (402 on engage: the plan has no API access); the lake keeps
    /// the previous snapshot.
    case skipped
    /// Not exported; the lake keeps the previous snapshot and the run exits non-zero.
    case failed
  }

  public var stream: String
  public var status: Status
  /// The committed folder relative to the lake, e.g. `engage` or `engage/snapshot_date=…`.
  public var partition: String?
  public var rows: Int
  public var files: Int
  public var bytes: Int
  public var uncompressedBytes: Int
  /// Query API calls made, retries included.
  public var requests: Int
  public var retries: Int
  /// Records dropped because their key was already written in this snapshot.
  public var duplicatesDropped: Int
  /// Why the stream was skipped, or what failed.
  public var message: String?

  enum CodingKeys: String, CodingKey {
    case stream, status, partition, rows, files, bytes
    case uncompressedBytes = "uncompressed_bytes"
    case requests, retries
    case duplicatesDropped = "duplicates_dropped"
    case message
  }
}

/// The full-table part of a run: one record per stream, in run order.
public struct FullTableRunSummary: Sendable, Encodable {
  public let runID: String
  public let snapshotDate: String
  public internal(set) var streams: [StreamRunRecord] = []
  /// The errors of failed streams.
  public internal(set) var errors: [any Error] = []

  public var failedStreams: [StreamRunRecord] { streams.filter { $0.status == .failed } }
  public var skippedStreams: [StreamRunRecord] { streams.filter { $0.status == .skipped } }

  enum CodingKeys: String, CodingKey {
    case runID = "run_id"
    case snapshotDate = "snapshot_date"
    case streams
  }

  /// The table printed after a run:
  ///
  /// ```
  /// stream          status     rows        files  bytes       requests  retries
  /// engage          committed  2600        1      183211      27        0
  /// ```
  public var text: String {
    StreamTable.render(
      columns: [
        ("stream", 16), ("status", 11), ("rows", 12), ("files", 7), ("bytes", 12), ("requests", 10),
        ("retries", 0),
      ],
      rows: streams.map {
        [
          $0.stream, $0.status.rawValue, "\($0.rows)", "\($0.files)", "\($0.bytes)", "\($0.requests)",
          "\($0.retries)",
        ]
      },
      notes: StreamTable.notes(streams.map { ($0.status.rawValue, $0.message ?? $0.stream) }))
  }

  static func write(_ summary: FullTableRunSummary, lake: String) throws {
    try StreamTable.writeRecord(summary, runID: summary.runID, suffix: "full_table", lake: lake)
  }
}
