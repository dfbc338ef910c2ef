/// `_manifest.json` of one partition: exactly the files that make the partition, written last.
///
/// Readers that want a consistent view read the files it lists. `bytes` and `sha256` describe a
/// file as stored (compressed); `rows` and `uncompressed_bytes` describe its content.
public struct Manifest: Codable, Equatable, Sendable {
  public static let fileName = "_manifest.json"
  public static let currentFormatVersion = 1

  public var formatVersion: Int
  public var stream: String
  /// The partition's folder relative to the lake root, e.g. `export/day=2024-06-01`.
  public var partition: String
  public var window: ManifestWindow
  public var runID: String
  public var committedAt: String
  public var compression: String
  public var rows: Int
  public var bytes: Int
  public var uncompressedBytes: Int
  public var minTime: String?
  public var maxTime: String?
  public var files: [ManifestFile]

  enum CodingKeys: String, CodingKey {
    case formatVersion = "format_version"
    case stream, partition, window
    case runID = "run_id"
    case committedAt = "committed_at"
    case compression, rows, bytes
    case uncompressedBytes = "uncompressed_bytes"
    case minTime = "min_time"
    case maxTime = "max_time"
    case files
  }
}

/// The window (request) that produced a partition.
public struct ManifestWindow: Codable, Equatable, Sendable {
  public var id: String
  public var fromDate: String
  public var toDate: String

  public init(id: String, fromDate: String, toDate: String) {
    self.id = id
    self.fromDate = fromDate
    self.toDate = toDate
  }

  enum CodingKeys: String, CodingKey {
    case id
    case fromDate = "from_date"
    case toDate = "to_date"
  }
}

/// One file of a partition.
public struct ManifestFile: Codable, Equatable, Sendable {
  public var path: String
  public var rows: Int
  public var bytes: Int
  public var uncompressedBytes: Int
  public var sha256: String
  public var minTime: String?
  public var maxTime: String?

  enum CodingKeys: String, CodingKey {
    case path, rows, bytes
    case uncompressedBytes = "uncompressed_bytes"
    case sha256
    case minTime = "min_time"
    case maxTime = "max_time"
  }
}
