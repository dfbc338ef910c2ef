public import CalendarDay
public import Foundation
public import Lake
public import MixpanelAPI

/// Everything a run needs, from the config file (tap-mixpanel's keys plus ours), the environment
/// and command-line overrides, validated. Its description never shows a secret.
public struct LakeConfig: Sendable {
  public var credentials: Credentials
  public var region: Region
  public var endpoints: Endpoints
  public var startDate: Day
  public var endDate: Day?
  public var dateWindowSize: Int
  public var attributionWindow: Int
  /// IANA name; the zone "today" and the API's days are read in for legacy projects.
  public var projectTimezone: String
  /// True for projects created before 2023, whose export days are project-timezone days.
  public var legacyProjectTimezone: Bool
  public var exportEvents: [String]?
  public var exportWhere: String?
  public var timeInMilliseconds: Bool
  /// tap-mixpanel's `select_properties_by_default`: whether properties a user's catalog does not
  /// list are kept. nil when the config does not say: tap mode with a catalog then follows
  /// tap-mixpanel (false: dropped); lake mode and tap mode without a catalog keep them.
  /// Tap mode, `singer_types: tap`: every column of any type is declared and sent as a string,
  /// as tap-mixpanel does (for tables it built); `json` (the default) keeps JSON types.
  public var singerStringTypes = false
  /// Tap mode, `denest_properties` (pipelinewise's tap-mixpanel): true (the default) lifts
  /// export's `properties` to columns; false keeps each RECORD as Mixpanel's
  /// `{"event": …, "properties": {…}}`. The lake's shape is `record_format`'s.
  public var denestProperties = true
  /// Tap mode: export declares `key_properties` (`export_key`), see
  /// ``SingerStreamSpec/exportKeyProperties``.
  public var exportKey = false
  /// `malformed_lines: quarantine`: export lines that are not JSON go to `_quarantine/` and the
  /// rest of the window commits; `fail` (the default) fails the window, as before.
  public var quarantineMalformedLines = false
  /// How many days before today a plan may start (`history_days`, Stitch's 365); 0: no limit.
  public var historyDays = Planner.historyDays
  /// How long a run's lease on the lake counts without a sign of life (`lease_seconds`); the
  /// run renews it every third of that.
  public var leaseSeconds: Int64 = 600
  /// `date_window_size: "auto"`: the export's windows are cut from Mixpanel's daily counts to
  /// roughly equal volume (``Planner/cutByVolume(_:eventsPerDay:maxEvents:connections:)``).
  public var windowsByVolume = false
  /// With ``windowsByVolume``: the most events a window should ask for (`max_events_per_window`).
  public var maxEventsPerWindow = 1_000_000
  /// What one export connection is expected to move, in bytes/s
  /// (`export_connection_mb_per_second`): the planner sizes windows and their count with it.
  public var connectionBandwidth = VolumeEstimate.assumedBandwidth
  public var selectPropertiesByDefault: Bool?
  public var userAgent: String
  public var requestTimeoutSeconds: Int
  public var lake: String
  public var statePath: String?
  public var compression: Compression
  public var compressionLevel: Int
  public var maxConcurrentWindows: Int
  public var maxPartBytes: Int
  public var streams: [StreamName]
  /// Mixpanel's export limits (60/hour, 3/second, 100 concurrent), configurable.
  public var exportRateLimit: RateLimitPolicy
  /// Attempts per window before it is split (or, for one day, failed).
  public var maxAttempts: Int
  /// `raw` keeps Mixpanel's lines byte for byte; `flat` lifts properties to columns.
  public var recordFormat: RecordFormat
  /// Flat-record columns to keep (from `export --catalog`); nil keeps every column.
  public var exportColumns: ColumnSelection?
  /// Drop repeats of (event, distinct_id, time, $insert_id) within a day.
  public var dedupe: Bool
  /// Ask Mixpanel for gzip-compressed bodies (default true).
  public var httpCompression: Bool
  /// Test hook: makes chosen file writes fail (a full disk, an unwritable mount).
  public var failureInjector: FailureInjector?
  /// Checked before each partition commit: the run's lease (set by ``LakeExport``).
  public var commitFence: CommitFence?
  /// Test hook: how soon after sending a closed kept-alive connection counts as stale and the
  /// request is resent (``MixpanelClientConfiguration/staleConnectionWindow``).
  public var staleConnectionWindow: Duration = .seconds(1)
  /// Mixpanel's Query API limits (60/hour, 5 concurrent), configurable; every engage page,
  /// cohorts/list and annotations call takes a permit.
  public var queryRateLimit: RateLimitPolicy = .query
  /// Profiles per engage page (Mixpanel's default and assumed maximum: 1000).
  public var engagePageSize: Int = 1_000
  /// Full-table streams write dated `snapshot_date=YYYY-MM-DD/` folders and keep old ones,
  /// instead of replacing one table per stream.
  public var snapshots: Bool = false
  /// The global data view's id, sent as `workspace_id` on Query API calls (projects with data
  /// views: a filtered view would count fewer events).
  public var workspaceID: Int? = nil
  /// Longest wait a server's `Retry-After` can impose, in seconds (`max_retry_wait`).
  public var maxRetryWaitSeconds: Int = 3_600
  /// Export requests failing the same way in a row, across windows, that stop the whole run
  /// (`max_consecutive_failures`): a wrong region or a day too large for one request fails every
  /// request alike, and retrying them all would burn hours of the hourly budget.
  public var maxConsecutiveFailures: Int = 12
  /// What zstd parts of all windows in flight may hold before compressing (`memory_budget_mb`),
  /// and the contexts they share; one instance for every run made from this config.
  public var partMemory = PartMemory()
  /// Keeps each stream's `_schema.json` a superset of its committed lines (one per config).
  public var schemas = SchemaStore()

  /// The export's retry policy: `max_attempts` and `max_retry_wait`.
  public var exportRetryPolicy: RetryPolicy {
    RetryPolicy(maxAttempts: maxAttempts, maxRetryWait: .seconds(maxRetryWaitSeconds))
  }

  /// The Query API's retry policy: `max_attempts` and `max_retry_wait`.
  public var queryRetryPolicy: RetryPolicy {
    .query(maxAttempts: maxAttempts, maxRetryWait: .seconds(maxRetryWaitSeconds))
  }

  /// The zone whose calendar days the export API uses for this project (mixpanel-api.md §14.2).
  public var exportDayZone: String { legacyProjectTimezone ? projectTimezone : "UTC" }

  /// `project_timezone` as a zone: the one place that builds it. The loader validated the name;
  /// a config built by hand with a bad one gets UTC rather than a crash.
  public var projectZone: TimeZone { TimeZone(identifier: projectTimezone) ?? .gmt }

  /// The zone of the export API's days: the project's for legacy projects, UTC otherwise.
  public var exportZone: TimeZone { legacyProjectTimezone ? projectZone : .gmt }

  /// Where `_state.json` lives.
  public var resolvedStatePath: String { statePath ?? layout.state }

  /// Where everything lives in this config's lake.
  public var layout: LakeLayout { LakeLayout(root: lake) }

  public var writerSettings: WriterSettings {
    WriterSettings(
      compression: compression, level: compressionLevel, maxPartBytes: maxPartBytes,
      failureInjector: failureInjector, fence: commitFence, memory: partMemory)
  }

  public var clientConfiguration: MixpanelClientConfiguration {
    var configuration = MixpanelClientConfiguration(
      endpoints: endpoints, credentials: credentials, userAgent: userAgent,
      requestTimeoutSeconds: requestTimeoutSeconds, acceptGzip: httpCompression, workspaceID: workspaceID)
    configuration.staleConnectionWindow = staleConnectionWindow
    // Every window in flight, and the Query calls beside them, each on a connection of its own.
    configuration.maxConnectionsPerHost = maxConcurrentWindows + 6
    return configuration
  }
}

/// Values given on the command line; they win over the file and the environment.
public struct ConfigOverrides: Sendable {
  public var lake: String?
  public var compression: String?
  public var streams: [String]?
  public var statePath: String?

  public init(
    lake: String? = nil, compression: String? = nil, streams: [String]? = nil, statePath: String? = nil
  ) {
    self.lake = lake
    self.compression = compression
    self.streams = streams
    self.statePath = statePath
  }
}

/// How export lines are stored.
public enum RecordFormat: String, Sendable {
  case raw, flat
}
