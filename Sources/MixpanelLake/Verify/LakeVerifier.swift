public import CalendarDay
public import Foundation
import Lake
public import Logging
public import MixpanelAPI
import NDJSON

/// What `verify` checks, beyond the config.
public struct VerifyOptions: Sendable {
  /// Only `day=` / `snapshot_date=` partitions from this day (inclusive).
  public var from: Day?
  /// Only `day=` / `snapshot_date=` partitions up to this day (inclusive).
  public var to: Day?
  /// Skip the comparison with Mixpanel's counts (files and manifests only; no network).
  public var skipCounts: Bool
  public var tolerance: CountTolerance
  /// Event names per `/events` request.
  public var namesPerRequest: Int

  public init(
    from: Day? = nil, to: Day? = nil, skipCounts: Bool = false, tolerance: CountTolerance = .standard,
    namesPerRequest: Int = 50
  ) {
    self.from = from
    self.to = to
    self.skipCounts = skipCounts
    self.tolerance = tolerance
    self.namesPerRequest = namesPerRequest
  }
}

/// Checks a lake against its manifests and, unless skipped, against Mixpanel's own counts:
///
/// ```
///  partitions ─► PartitionVerifier (size, sha256, rows, bytes, strays) ─► problems
///       │ export day=… lines
///       ▼
///  EventTally (rows, distinct rows per day × name) ─► /events counts ─► DayCountCheck ─► problems
/// ```
///
/// Returns a typed ``VerifyReport``; throws only when the check cannot run at all (the lake is
/// missing or unreadable, the credentials are refused).
public struct LakeVerifier<C: Clock>: Sendable where C.Duration == Duration {
  public let config: LakeConfig
  public let options: VerifyOptions
  public let logger: Logger
  public let clock: C
  public let now: @Sendable () -> Date
  public let retryPolicy: RetryPolicy

  public init(
    config: LakeConfig, options: VerifyOptions, logger: Logger, clock: C,
    now: @escaping @Sendable () -> Date = { Date() }, retryPolicy: RetryPolicy? = nil
  ) {
    self.config = config
    self.options = options
    self.logger = logger
    self.clock = clock
    self.now = now
    self.retryPolicy = retryPolicy ?? config.queryRetryPolicy
  }

  public func verify() async throws -> VerifyReport {
    guard FileSystem.isDirectory(config.lake) else {
      throw ConfigError.invalid(
        "lake", "no lake directory at \(config.lake); check --lake or the config's 'lake'")
    }
    var report = VerifyReport()
    let partitions = try LakePartitions.list(lake: config.lake).filter(inRange)
    if partitions.isEmpty {
      report.problems.append(
        VerifyProblem(
          .error, .missingManifest, at: config.lake, "no partition folders found (in the requested days)"))
    }
    let counting = !options.skipCounts
    let mapper = QueryDayMapper(config)
    var tally = EventTally(mapper: mapper)
    var intactDays = Set<Day>()
    let verifier = PartitionVerifier(lake: config.lake)
    // Every committed line must fit its stream's `_schema.json`, where the stream has one.
    var schemas: [String: StreamSchema?] = [:]
    for partition in partitions {
      let isExportDay = partition.stream == StreamName.export.name && partition.isDayPartition
      if schemas[partition.stream] == nil {
        schemas[partition.stream] = .some(try SchemaStore.read(lake: config.lake, stream: partition.stream))
      }
      let schema = schemas[partition.stream] ?? nil
      // Raw export lines: the members of `properties`; flat lines and table rows: their own.
      let types = schema.map { PropertyTypeTally(topLevel: $0.flat || $0.table) }
      let outcome: PartitionVerifier.Outcome
      if counting, isExportDay, let day = partition.day {
        tally.startPartition()
        outcome = try verifier.verify(partition) { tally.add($0, partitionDay: day, types: types) }
        if outcome.intact { intactDays.insert(day) }
      } else if let types {
        outcome = try verifier.verify(partition) { _ = try? JSONLineScanner.scan($0, tally: types) }
      } else {
        outcome = try verifier.verify(partition, onLine: nil)
      }
      if let schema, let types {
        report.problems += SchemaCheck.problems(types, schema: schema, partition: partition)
      }
      if outcome.committed { report.partitions += 1 }
      report.files += outcome.files
      report.rows += outcome.rows
      report.problems += outcome.problems
    }
    logger.info(
      "verify.files_checked",
      metadata: ["partitions": "\(report.partitions)", "files": "\(report.files)", "rows": "\(report.rows)"])
    if counting {
      try await checkCounts(tally: tally, intactDays: intactDays, mapper: mapper, into: &report)
    }
    return report
  }

  private func inRange(_ partition: LakePartition) -> Bool {
    guard let day = partition.day else { return true }
    if let from = options.from, day < from { return false }
    if let to = options.to, day > to { return false }
    return true
  }

  /// The project-timezone day "today" for the Query API.
  private var today: Day {
    Planner.today(
      now: now(), zone: config.projectZone)
  }

  private func checkCounts(
    tally: EventTally, intactDays: Set<Day>, mapper: QueryDayMapper, into report: inout VerifyReport
  ) async throws {
    if config.exportWhere != nil {
      report.problems.append(
        VerifyProblem(
          .warning, .countsSkipped, at: config.lake,
          "export_where filters the export, so Mixpanel's totals are not comparable"))
      return
    }
    let today = self.today
    var candidates = Set<Day>()
    for day in intactDays {
      for query in [day.adding(days: -1), day, day.adding(days: 1)]
      where query <= today && mapper.partitionDays(of: query).allSatisfy(intactDays.contains) {
        candidates.insert(query)
      }
    }
    let days = candidates.sorted()
    guard let first = days.first, let last = days.last else {
      report.countedDays = 0
      return
    }
    let perDay = tally.decoded()
    var lakeNames = Set<String>()
    for day in days { lakeNames.formUnion((perDay[day] ?? [:]).keys.filter { !$0.isEmpty }) }
    let limiter = RateLimiter(policy: config.queryRateLimit, clock: clock, logger: logger)
    let caller = QueryCaller(limiter: limiter, retryPolicy: retryPolicy, clock: clock, logger: logger)
    var stats = CallStats()
    let counts: EventCounts
    do {
      counts = try await MixpanelClient.withClient(configuration: config.clientConfiguration, logger: logger)
      {
        client in
        let fetcher = CountFetcher(
          client: client, caller: caller, batchSize: options.namesPerRequest, logger: logger)
        var names = lakeNames
        var discovered = try await fetcher.names(from: first, to: last, stats: &stats)
        if let exported = config.exportEvents { discovered = discovered.filter(exported.contains) }
        names.formUnion(discovered)
        return try await fetcher.counts(names: names.sorted(), from: first, to: last, stats: &stats)
      }
    } catch let error as MixpanelAPIError where error.kind == .paymentRequired {
      report.problems.append(
        VerifyProblem(
          .warning, .countsSkipped, at: config.lake,
          "\(error); Mixpanel's counts need the Query API, use --skip-counts on this plan"))
      return
    } catch let error as MixpanelAPIError where !error.isAuthProblem {
      report.problems.append(VerifyProblem(.error, .countsSkipped, at: config.lake, "\(error)"))
      return
    }
    logger.info("verify.counts_fetched", metadata: ["days": "\(days.count)", "requests": "\(stats.calls)"])
    // Settled: older than the lookback window, today − (attribution_window + 1) (§10.7.5 step 1).
    let settledBefore = today.adding(days: -(config.attributionWindow + 1))
    for day in days {
      let (comparison, problems) = DayCountCheck.compare(
        day: day, lake: perDay[day] ?? [:], mixpanel: counts, tolerance: options.tolerance,
        settled: day < settledBefore)
      report.dayCounts.append(comparison)
      report.problems += problems
    }
    report.countedDays = days.count
  }
}

extension LakeVerifier where C == ContinuousClock {
  /// A verifier on the real clock.
  public init(
    config: LakeConfig, options: VerifyOptions, logger: Logger,
    now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.init(config: config, options: options, logger: logger, clock: ContinuousClock(), now: now)
  }
}
