/// What one daily stream (funnels, revenue) did in a run. Holds no secret.
public struct DailyStreamRecord: QueryStreamRecord {
  public typealias Status = StreamStatus

  public var stream: String
  /// `committed` when every planned window committed (also when there was nothing to fetch);
  /// `skipped` for revenue when its legacy endpoint answered an error; `failed` otherwise.
  public var status: Status
  /// The days the run planned to fetch (nil when there was nothing to fetch).
  public var firstDay: String?
  public var lastDay: String?
  public var windows: Int = 0
  public var windowsCommitted: Int = 0
  /// Day partitions replaced.
  public var days: Int = 0
  public var rows: Int = 0
  public var files: Int = 0
  public var bytes: Int = 0
  public var uncompressedBytes: Int = 0
  /// Query API calls made, retries included.
  public var requests: Int = 0
  public var retries: Int = 0
  /// The stream's bookmark after the run.
  public var bookmark: String?
  /// Why the stream was skipped, or what failed.
  public var message: String?

  init(stream: String, status: Status) {
    self.stream = stream
    self.status = status
  }

  enum CodingKeys: String, CodingKey {
    case stream, status
    case firstDay = "first_day"
    case lastDay = "last_day"
    case windows
    case windowsCommitted = "windows_committed"
    case days, rows, files, bytes
    case uncompressedBytes = "uncompressed_bytes"
    case requests, retries, bookmark, message
  }

  public static var columns: [(title: String, width: Int)] {
    [
      ("stream", 16), ("status", 11), ("days", 7), ("rows", 12), ("files", 7), ("bytes", 12),
      ("requests", 10), ("retries", 0),
    ]
  }

  public var cells: [String] {
    [
      stream, status.rawValue, "\(days)", "\(rows)", "\(files)", "\(bytes)", "\(requests)",
      "\(retries)",
    ]
  }

  public static var dayKey: String { "today" }
  public static var fileSuffix: String { "daily" }
}
