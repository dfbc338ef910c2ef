import Lake

/// What one daily stream (funnels, revenue) did in a run. Holds no secret.
public struct DailyStreamRecord: Sendable, Encodable {
  public typealias Status = StreamRunRecord.Status

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
}

/// The daily-stream part of a run: one record per stream, in run order.
public struct DailyStreamRunSummary: Sendable, Encodable {
  public let runID: String
  /// Today in the project's timezone, the last day a window may reach.
  public let today: String
  public internal(set) var streams: [DailyStreamRecord] = []
  /// The errors of failed streams.
  public internal(set) var errors: [any Error] = []

  public var failedStreams: [DailyStreamRecord] { streams.filter { $0.status == .failed } }
  public var skippedStreams: [DailyStreamRecord] { streams.filter { $0.status == .skipped } }

  enum CodingKeys: String, CodingKey {
    case runID = "run_id"
    case today, streams
  }

  /// The table printed after a run:
  ///
  /// ```
  /// stream          status     days   rows        files  bytes       requests  retries
  /// funnels         committed  6      18          6      4211        7         0
  /// ```
  public var text: String {
    StreamTable.render(
      columns: [
        ("stream", 16), ("status", 11), ("days", 7), ("rows", 12), ("files", 7), ("bytes", 12),
        ("requests", 10),
        ("retries", 0),
      ],
      rows: streams.map {
        [
          $0.stream, $0.status.rawValue, "\($0.days)", "\($0.rows)", "\($0.files)", "\($0.bytes)",
          "\($0.requests)",
          "\($0.retries)",
        ]
      },
      notes: StreamTable.notes(streams.map { ($0.status.rawValue, $0.message ?? $0.stream) }))
  }

  static func write(_ summary: DailyStreamRunSummary, lake: String) throws {
    try StreamTable.writeRecord(summary, runID: summary.runID, suffix: "daily", lake: lake)
  }
}
