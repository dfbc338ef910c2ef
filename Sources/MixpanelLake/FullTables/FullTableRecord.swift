/// What one full-table stream did in a run. Holds no secret.
public struct FullTableRecord: QueryStreamRecord {
  public typealias Status = StreamStatus

  public var stream: String
  /// `committed`: a new snapshot; `skipped`: 402 on engage (the plan has no API access), the
  /// previous snapshot stays; `failed`: the previous snapshot stays and the run exits non-zero.
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

  public static var columns: [(title: String, width: Int)] {
    [
      ("stream", 16), ("status", 11), ("rows", 12), ("files", 7), ("bytes", 12), ("requests", 10),
      ("retries", 0),
    ]
  }

  public var cells: [String] {
    [stream, status.rawValue, "\(rows)", "\(files)", "\(bytes)", "\(requests)", "\(retries)"]
  }

  public static var dayKey: String { "snapshot_date" }
  public static var fileSuffix: String { "full_table" }
}
