import CalendarDay
import Foundation
import Lake
public import MixpanelAPI

/// Reads a JSON config file (tap-mixpanel's keys unchanged, plus mixpanel-lake's own), applies
/// the environment (`MIXPANEL_API_SECRET`, `MIXPANEL_SERVICE_ACCOUNT_SECRET`) and command-line
/// overrides, and validates everything into a ``LakeConfig``.
public enum ConfigLoader {
  /// Every key a config file may hold; anything else is an error (a typo must not be ignored).
  public static let knownKeys: [String] = [
    // tap-mixpanel's keys
    "api_secret", "start_date", "end_date", "date_window_size", "attribution_window",
    "project_timezone", "export_events", "select_properties_by_default", "user_agent",
    "eu_residency", "eu_residency_server", "request_timeout", "denest_properties",
    // service accounts and regions
    "service_account_username", "service_account_secret", "project_id", "region", "workspace_id",
    // mixpanel-lake's own
    "lake", "state", "compression", "compression_level", "max_concurrent_windows", "max_part_bytes",
    "export_api_url", "query_api_url", "legacy_project_timezone", "export_where", "time_in_ms",
    "streams", "projects", "export_requests_per_hour", "export_requests_per_second", "export_max_concurrent",
    "max_attempts", "max_retry_wait", "max_consecutive_failures", "memory_budget_mb",
    "export_connection_mb_per_second", "http_compression",
    "record_format",
    "dedupe", "commit_mode", "history_days", "export_key", "malformed_lines", "singer_types",
    "lease_seconds", "max_events_per_window",
    // full-table streams (engage, cohorts, cohort_members, annotations)
    "engage_page_size", "snapshots", "query_requests_per_hour", "query_max_concurrent",
  ]

  public static var supportedStreams: [String] { StreamName.allCases.map(\.rawValue) }

  /// Loads and validates the config at `path`.
  public static func load(
    path: String, environment: [String: String],
    overrides: ConfigOverrides = ConfigOverrides()
  ) throws -> LakeConfig {
    let object = try ConfigFile.read(path)
    return try parse(object, environment: environment, overrides: overrides)
  }

  /// Loads a config that may list several projects (`"projects": [{"project_id": …, …}, …]`):
  /// each entry's keys override the top level's, and each project gets its own folder
  /// `<lake>/project_id=<id>/` with its own state. Without `projects`, one config.
  public static func loadAll(
    path: String, environment: [String: String], overrides: ConfigOverrides = ConfigOverrides()
  ) throws -> [LakeConfig] {
    let object = try ConfigFile.read(path)
    guard let projects = object["projects"] else {
      return [try parse(object, environment: environment, overrides: overrides)]
    }
    guard case .array(let entries) = projects, !entries.isEmpty else {
      throw ConfigError.invalid("projects", "expected a non-empty list of project objects")
    }
    var base = object
    base["projects"] = nil
    if base["workspace_id"] != nil {
      throw ConfigError.invalid(
        "workspace_id", "a data view belongs to one project: set it inside that entry of 'projects'")
    }
    let root = try overrides.lake ?? ConfigValues(base).string("lake") ?? "./lake"
    var configs: [LakeConfig] = []
    var seen: Set<Int> = []
    for (index, entry) in entries.enumerated() {
      guard case .object(let members) = entry else {
        throw ConfigError.invalid("projects", "entry \(index + 1) is not an object")
      }
      let fields = try ConfigFile.keys(members, in: "entry \(index + 1) of 'projects'")
      let merged = base.merging(fields) { $1 }
      guard let id = try ConfigValues(merged).int("project_id", range: 1...Int.max) else {
        throw ConfigError.missing("project_id", "every entry of 'projects' needs its numeric project_id")
      }
      guard seen.insert(id).inserted else {
        throw ConfigError.invalid("projects", "project_id \(id) is listed twice")
      }
      var projectOverrides = overrides
      projectOverrides.lake = "\(root)/project_id=\(id)"
      configs.append(try parse(merged, environment: environment, overrides: projectOverrides))
    }
    return configs
  }

  /// Validates an already decoded config object.
  public static func parse(
    _ object: [String: JSONNode], environment: [String: String] = [:],
    overrides: ConfigOverrides = ConfigOverrides()
  ) throws -> LakeConfig {
    for key in object.keys.sorted() where !knownKeys.contains(key) {
      throw ConfigError.unknownKey(key, suggestion: closestKey(to: key))
    }
    let values = ConfigValues(object)
    let region = try parseRegion(values)
    let credentials = try parseCredentials(values, environment: environment)
    guard let startDate = try values.day("start_date") else {
      throw ConfigError.missing("start_date", "the first day to export, e.g. \"2024-01-01\"")
    }
    let endDate = try values.day("end_date")
    if let endDate, endDate < startDate {
      throw ConfigError.invalid("end_date", "must be on or after start_date (\(startDate))")
    }
    let timezone = try values.string("project_timezone") ?? "UTC"
    guard TimeZone(identifier: timezone) != nil else {
      throw ConfigError.invalid(
        "project_timezone", "'\(timezone)' is not an IANA time zone such as Europe/Berlin")
    }
    let (compression, level) = try parseCompression(values, override: overrides.compression)
    let streams = try parseStreams(
      overrides.streams ?? values.stringList("streams") ?? [StreamName.export.name])
    let lake = try overrides.lake ?? values.string("lake") ?? "./lake"
    guard !lake.isEmpty else { throw ConfigError.invalid("lake", "expected a directory path") }
    // Both modes commit alike now (CommitMode); the key is still checked, so a typo is an error.
    _ = try commitMode(values)
    var config = LakeConfig(
      credentials: credentials, region: region,
      endpoints: Endpoints(
        region: region, exportBaseURL: try url(values, "export_api_url"),
        queryBaseURL: try url(values, "query_api_url")),
      startDate: startDate, endDate: endDate,
      dateWindowSize: try windowsByVolume(values) ? 30 : values.int("date_window_size", range: 1...366) ?? 30,
      attributionWindow: try values.int("attribution_window", range: 0...365) ?? 5,
      projectTimezone: timezone,
      legacyProjectTimezone: try values.bool("legacy_project_timezone") ?? false,
      exportEvents: try values.stringList("export_events").flatMap { $0.isEmpty ? nil : $0 },
      exportWhere: try values.string("export_where"),
      timeInMilliseconds: try values.bool("time_in_ms") ?? false,
      selectPropertiesByDefault: try values.bool("select_properties_by_default"),
      userAgent: try values.string("user_agent") ?? "mixpanel-lake/0.1",
      requestTimeoutSeconds: try values.int("request_timeout", range: 1...86_400, zeroOrBlankIsAbsent: true)
        ?? 300,
      lake: lake, statePath: try overrides.statePath ?? values.string("state"),
      compression: compression, compressionLevel: level,
      // Absent: as many as Mixpanel allows at once; the plan and the limiter decide the rest.
      maxConcurrentWindows: try values.int("max_concurrent_windows", range: 1...100)
        ?? min(100, try values.int("export_max_concurrent", range: 1...10_000) ?? 100),
      maxPartBytes: try values.int("max_part_bytes", range: 1 << 16...(1 << 40)) ?? 256 << 20,
      streams: streams,
      exportRateLimit: RateLimitPolicy(
        requestsPerHour: try values.int("export_requests_per_hour", range: 1...1_000_000) ?? 60,
        requestsPerSecond: try values.int("export_requests_per_second", range: 1...1_000_000) ?? 3,
        maxConcurrent: try values.int("export_max_concurrent", range: 1...10_000) ?? 100,
        secondWindow: RateLimitPolicy.exportSecondWindow, hourWindow: RateLimitPolicy.mixpanelHourWindow),
      maxAttempts: try values.int("max_attempts", range: 1...100) ?? 6,
      recordFormat: try recordFormat(values),
      exportColumns: nil,
      dedupe: try values.bool("dedupe") ?? false,
      httpCompression: try values.bool("http_compression") ?? true,
      failureInjector: nil,
      queryRateLimit: RateLimitPolicy(
        requestsPerHour: try values.int("query_requests_per_hour", range: 1...1_000_000) ?? 60,
        requestsPerSecond: nil,
        maxConcurrent: try values.int("query_max_concurrent", range: 1...10_000) ?? 5,
        hourWindow: RateLimitPolicy.mixpanelHourWindow),
      engagePageSize: try values.int("engage_page_size", range: 1...10_000) ?? 1_000,
      snapshots: try values.bool("snapshots") ?? false)
    try readLaterKeys(values, into: &config)
    return config
  }

  /// The keys added after the first release, which LakeConfig's initializer does not take.
  private static func readLaterKeys(_ values: ConfigValues, into config: inout LakeConfig) throws {
    config.workspaceID = try values.int("workspace_id", range: 1...Int.max)
    config.maxRetryWaitSeconds = try values.int("max_retry_wait", range: 1...86_400) ?? 3_600
    config.exportKey = try values.bool("export_key") ?? false
    config.denestProperties = try values.bool("denest_properties") ?? true
    config.singerStringTypes = try choice(values, "singer_types", ("json", "tap"))
    if config.exportKey, !config.denestProperties {
      throw ConfigError.invalid(
        "export_key", "needs denest_properties true: its columns are inside properties when it is false")
    }
    config.quarantineMalformedLines = try choice(values, "malformed_lines", ("fail", "quarantine"))
    config.historyDays = try values.int("history_days", range: 0...36_500) ?? Planner.historyDays
    config.maxConsecutiveFailures = try values.int("max_consecutive_failures", range: 1...10_000) ?? 12
    config.leaseSeconds = Int64(try values.int("lease_seconds", range: 30...86_400) ?? 600)
    config.windowsByVolume = try windowsByVolume(values)
    config.maxEventsPerWindow =
      try values.int("max_events_per_window", range: 1_000...1_000_000_000) ?? 1_000_000
    if let megabytes = try values.decimal("export_connection_mb_per_second", range: 0.01...10_000) {
      config.connectionBandwidth = megabytes * 1_000_000
    }
    if let megabytes = try values.int("memory_budget_mb", range: 16...65_536) {
      config.partMemory = PartMemory(budget: megabytes << 20)
    }
  }

  /// `date_window_size` absent or `"auto"`: windows sized by Mixpanel's daily counts; a number
  /// keeps fixed windows (tap-mixpanel's meaning).
  private static func windowsByVolume(_ values: ConfigValues) throws -> Bool {
    if (try? values.string("date_window_size"))?.lowercased() == "auto" { return true }
    return try values.int("date_window_size", range: 1...366) == nil
  }

  /// `name`'s value among `choices` (the first is the default), as true for the second.
  private static func choice(_ values: ConfigValues, _ name: String, _ choices: (String, String)) throws
    -> Bool
  {
    switch try values.string(name) ?? choices.0 {
    case choices.0: return false
    case choices.1: return true
    case let other: throw ConfigError.invalid(name, "expected \(choices.0) or \(choices.1), got '\(other)'")
    }
  }

  private static func parseCompression(_ values: ConfigValues, override: String?) throws -> (Compression, Int)
  {
    let name = try override ?? values.string("compression") ?? "zstd"
    guard let compression = Compression(rawValue: name) else {
      throw ConfigError.invalid("compression", "expected zstd or gzip, got '\(name)'")
    }
    let level = try values.int("compression_level", range: 1...22) ?? compression.defaultLevel
    guard compression.validLevels.contains(level) else {
      let levels = compression.validLevels
      throw ConfigError.invalid(
        "compression_level", "\(compression) takes \(levels.lowerBound)...\(levels.upperBound)")
    }
    return (compression, level)
  }

  private static func recordFormat(_ values: ConfigValues) throws -> RecordFormat {
    let name = try values.string("record_format") ?? "raw"
    guard let format = RecordFormat(rawValue: name) else {
      throw ConfigError.invalid("record_format", "expected raw or flat, got '\(name)'")
    }
    return format
  }

  private static func commitMode(_ values: ConfigValues) throws -> CommitMode {
    let name = try values.string("commit_mode") ?? "rename"
    guard let mode = CommitMode(rawValue: name) else {
      throw ConfigError.invalid("commit_mode", "expected rename or direct, got '\(name)'")
    }
    return mode
  }

  private static func parseRegion(_ values: ConfigValues) throws -> Region {
    if let name = try values.string("region") {
      guard let region = Region(rawValue: name.lowercased()) else {
        throw ConfigError.invalid("region", "expected us, eu or in, got '\(name)'")
      }
      return region
    }
    // tap-mixpanel's README spells it `eu_residency_server`, its code `eu_residency`.
    return try (values.bool("eu_residency") ?? values.bool("eu_residency_server")) == true ? .eu : .us
  }

  private static func parseCredentials(
    _ values: ConfigValues, environment: [String: String]
  ) throws -> Credentials {
    if let username = try values.string("service_account_username") {
      guard
        let secret = try nonEmpty(environment["MIXPANEL_SERVICE_ACCOUNT_SECRET"])
          ?? values.string("service_account_secret"), !secret.isEmpty
      else {
        throw ConfigError.missing(
          "service_account_secret", "set it in the config or in MIXPANEL_SERVICE_ACCOUNT_SECRET")
      }
      guard let projectID = try values.int("project_id", range: 1...Int.max) else {
        throw ConfigError.missing("project_id", "service-account requests need the numeric project id")
      }
      return .serviceAccount(username: username, secret: secret, projectID: projectID)
    }
    guard let secret = try nonEmpty(environment["MIXPANEL_API_SECRET"]) ?? values.string("api_secret"),
      !secret.isEmpty
    else {
      throw ConfigError.missing(
        "api_secret",
        "set it in the config or in MIXPANEL_API_SECRET (or use service_account_username/secret)")
    }
    return .projectSecret(secret)
  }

  /// An environment variable set to the empty string counts as unset (a template that left it
  /// blank must not override the config's secret).
  private static func nonEmpty(_ value: String?) -> String? {
    value.flatMap { $0.isEmpty ? nil : $0 }
  }

  private static func url(_ values: ConfigValues, _ key: String) throws -> String? {
    guard let text = try values.string(key) else { return nil }
    guard text.hasPrefix("http://") || text.hasPrefix("https://"), text.count > 8 else {
      throw ConfigError.invalid(key, "expected a base URL such as https://data.mixpanel.com")
    }
    return text
  }

  /// `streams`: names of streams, or `all`; never empty, every name known.
  static func parseStreams(_ names: [String]) throws -> [StreamName] {
    if names.contains("all") { return StreamName.allCases }
    guard !names.isEmpty else {
      throw ConfigError.invalid(
        "streams", "the list is empty: name at least one of \(StreamName.list) (or all)")
    }
    return try names.map { name in
      guard let stream = StreamName(rawValue: name) else {
        throw ConfigError.invalid(
          "streams", "'\(name)' is not a stream this version exports (\(StreamName.list))")
      }
      return stream
    }
  }

  static func closestKey(to key: String) -> String? {
    let scored = knownKeys.map { ($0, editDistance($0, key)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, key.count / 3) else { return nil }
    return best
  }

  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in stride(from: 1, through: b.count, by: 1) {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
  }
}
