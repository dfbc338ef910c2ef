public import CalendarDay
public import Foundation
import Lake
public import Logging
public import MixpanelAPI

/// One run of Query API streams, the one shell both families go through:
///
/// ```
///  full tables (engage, cohorts, cohort_members, annotations), one after another:
///    Query calls ─► records ─► SnapshotWriter ─► commit (manifest last, old parts removed)
///    | discard on failure (the old table stays)                       see FullTableContext
///  daily streams (funnels, revenue), one after another:
///    windows = Planner(start_date, bookmark − attribution_window, date_window_size, today)
///    ─► rows by day ─► WindowWriter (<stream>/day=D/, replaced whole) ─► commit ─► bookmark
///                                                                     see DailyStreamContext
///  every call: one Query limiter (Mixpanel's 60/hour) and the retry policy
///  ─► QueryStreamsSummary (also _runs/<run-id>-full_table.json | -daily.json)
/// ```
///
/// A stream that fails is recorded and the next one still runs (a daily stream stops at its
/// first failed window; the windows before it stay committed and the bookmark covers them). A
/// 402 on engage and an error from revenue's legacy endpoint skip that stream with a warning.
/// Only cancellation and local I/O errors on the run and state files stop the run.
public struct QueryStreamsRun<C: Clock>: Sendable where C.Duration == Duration {
  public let config: LakeConfig
  let logger: Logger
  let now: @Sendable () -> Date
  /// The clock rate-limit waits and retry backoff sleep on (tests inject a virtual one).
  let clock: C
  let retryPolicy: RetryPolicy
  /// The Query API limiter to share Mixpanel's 60/hour with other runs; nil: a new one.
  let sharedLimiter: RateLimiter<C>?

  /// `limiter`: pass one to share Mixpanel's 60/hour between several runs.
  public init(
    config: LakeConfig, logger: Logger, clock: C, now: @escaping @Sendable () -> Date = { Date() },
    retryPolicy: RetryPolicy? = nil, limiter: RateLimiter<C>? = nil
  ) {
    self.config = config
    self.logger = logger
    self.clock = clock
    self.now = now
    self.retryPolicy = retryPolicy ?? config.queryRetryPolicy
    self.sharedLimiter = limiter
  }

  /// Today in the project's timezone (Query API days are project-timezone days).
  public var today: Day { Planner.today(now: now(), zone: config.projectZone) }

  /// The windows daily `stream` would fetch now, from the state file's bookmark.
  public func plan(_ stream: DailyStream) throws -> WindowPlan {
    let state = try StateStore.read(config.resolvedStatePath)
    return Planner.plan(
      startDate: config.startDate, endDate: config.endDate,
      bookmark: state.bookmarks[stream.name].flatMap(Timestamp.parse),
      attributionWindow: config.attributionWindow, windowSize: config.dateWindowSize, today: today,
      historyDays: config.historyDays)
  }

  /// Runs full-table `streams` (default: those named in the config's `streams`).
  ///
  /// - Parameter runID: names the part files; pass the export run's id to tie the runs together.
  public func tables(_ streams: [FullTableStream]? = nil, runID: String? = nil) async throws
    -> FullTableRunSummary
  {
    let streams = streams ?? FullTableStream.selected(config.streams)
    let snapshotDate = Day(epochSeconds: Int64(now().timeIntervalSince1970.rounded(.down)))
    return try await run(
      streams.map { ($0, $0.name) }, runID: runID, day: snapshotDate, event: "tables.start",
      context: { client, caller, runID in
        FullTableContext(
          client: client, caller: caller, config: config, logger: logger, runID: runID,
          snapshotDate: snapshotDate, now: now)
      },
      each: { context, stream in try await context.run(stream) })
  }

  /// Runs daily `streams` (default: those named in the config's `streams`).
  ///
  /// - Parameter runID: names the part files; pass the export run's id to tie the runs together.
  public func daily(_ streams: [DailyStream]? = nil, runID: String? = nil) async throws
    -> DailyStreamRunSummary
  {
    let streams = streams ?? DailyStream.selected(config.streams)
    return try await run(
      streams.map { ($0, $0.name) }, runID: runID, day: today, event: "daily.start",
      context: { client, caller, runID in
        DailyStreamContext(
          client: client, caller: caller, config: config, logger: logger, runID: runID, now: now)
      },
      each: { context, stream in try await context.run(stream, plan: try plan(stream)) })
  }

  /// The shell: the run id, one client and one caller for the streams, each stream in order
  /// (its failure in its record), then the run record under `_runs/`.
  private func run<Stream: Sendable, Context, Record: QueryStreamRecord>(
    _ streams: [(stream: Stream, name: String)], runID: String?, day: Day, event: Logger.Message,
    context makeContext: @Sendable (MixpanelClient, QueryCaller<C>, String) -> Context,
    each: @Sendable (inout Context, Stream) async throws -> (record: Record, error: (any Error)?)
  ) async throws -> QueryStreamsSummary<Record> {
    try FileSystem.makeDirectories(config.lake)
    let runID = runID ?? RunSummary.makeRunID(now())
    var summary = QueryStreamsSummary<Record>(runID: runID, day: "\(day)")
    let caller = QueryCaller(
      limiter: sharedLimiter ?? RateLimiter(policy: config.queryRateLimit, clock: clock, logger: logger),
      retryPolicy: retryPolicy, clock: clock, logger: logger)
    logger.info(event, metadata: ["run_id": "\(runID)", "streams": "\(streams.map(\.name))"])
    try await MixpanelClient.withClient(configuration: config.clientConfiguration, logger: logger) { client in
      var context = makeContext(client, caller, runID)
      for (stream, _) in streams {
        try Task.checkCancellation()
        let (record, error) = try await each(&context, stream)
        summary.streams.append(record)
        if let error { summary.errors.append(error) }
      }
    }
    try summary.write(lake: config.lake)
    return summary
  }
}

extension QueryStreamsRun where C == ContinuousClock {
  /// A run on the real clock.
  public init(
    config: LakeConfig, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
    limiter: RateLimiter<ContinuousClock>? = nil
  ) {
    self.init(config: config, logger: logger, clock: ContinuousClock(), now: now, limiter: limiter)
  }
}
