import CalendarDay
public import Foundation
import Lake
public import Logging
public import MixpanelAPI

/// One run of the export stream:
///
/// ```
///  plan ─► task group (≤ max_concurrent_windows children, refilled one-out/one-in)
///            child: WindowExport.fetch(window) ─► committed summary | error
///          parent: bookmark over the gap-free committed prefix ─► _state.json
///                  run record ─► _runs/<run-id>.json, _SUCCESS when every window committed
/// ```
public struct ExportRun<C: Clock>: Sendable where C.Duration == Duration {
  public let config: LakeConfig
  public let logger: Logger
  public let now: @Sendable () -> Date
  /// The clock that rate-limit waits and retry backoff sleep on (tests inject a virtual one).
  public let clock: C
  public let retryPolicy: RetryPolicy
  /// Live counters, readable while the run goes on.
  public let progress: ExportProgress
  /// Whether a run whose windows all committed writes `_SUCCESS`. A caller that runs more
  /// streams after this one sets it to false and writes the marker once they all succeeded.
  public var marksSuccess = true
  /// The project's Query API limiter (60/hour), when a caller runs Query streams too; the
  /// confirmation of emptied days takes its permits. nil: a limiter of this run's own.
  public var queryLimiter: RateLimiter<C>? = nil

  public init(
    config: LakeConfig, logger: Logger, clock: C, now: @escaping @Sendable () -> Date = { Date() },
    retryPolicy: RetryPolicy? = nil, progress: ExportProgress = ExportProgress()
  ) {
    self.progress = progress
    self.config = config
    self.logger = logger
    self.clock = clock
    self.now = now
    self.retryPolicy = retryPolicy ?? config.exportRetryPolicy
  }

  /// Plans the run from the config, the state file and today.
  public func plan() throws -> WindowPlan {
    let state = try StateStore.read(config.resolvedStatePath)
    return try ExportWindows.plan(
      config: config, bookmarkText: state.bookmarks[StreamName.export.name],
      bookmarkSource: config.resolvedStatePath,
      now: now())
  }

  /// With `date_window_size: "auto"`, `plan`'s days cut by Mixpanel's daily counts
  /// (``Planner/cutByVolume(_:eventsPerDay:maxEvents:connections:)``), under a ceiling in events;
  /// without counts (no Query API on the plan, an error) the fixed windows, with a warning, under
  /// a ceiling in days. Auth errors stop the run.
  func sizedByVolume(_ plan: WindowPlan, caller: QueryCaller<C>) async throws -> (WindowPlan, WindowCeiling) {
    let fixed = WindowCeiling(maxDays: config.dateWindowSize)
    guard config.windowsByVolume, !plan.windows.isEmpty else { return (plan, fixed) }
    do {
      let estimate = try await VolumeEstimate.fetch(
        config: config, plan: plan, caller: caller, logger: logger)
      let cut = estimate.windows(plan, config: config)
      logger.info(
        "plan.sized_by_volume",
        metadata: [
          "windows": "\(cut.windows.count)", "events": "\(estimate.eventsPerDay.values.reduce(0, +))",
          "query_requests": "\(estimate.requests)",
        ])
      return (cut, WindowCeiling(eventsPerDay: estimate.eventsPerDay, maxEvents: config.maxEventsPerWindow))
    } catch let error as MixpanelAPIError where error.isAuthProblem {
      throw error
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      logger.warning(
        "plan.volume_unavailable",
        metadata: ["error": "\(error)", "fallback": "windows of \(config.dateWindowSize) days"])
      return (plan, fixed)
    }
  }

  /// Runs the plan; returns the summary (also written to `_runs/`). Throws only for problems
  /// that stop the whole run (auth, local I/O, cancellation); failed windows are listed in the
  /// summary.
  public func run() async throws -> RunSummary {
    try FileSystem.makeDirectories(config.lake)
    let statePath = config.resolvedStatePath
    var state = try StateStore.read(statePath)
    // One Query API budget for the counts below and the empty-day checks.
    let counter = QueryCaller(
      limiter: queryLimiter ?? RateLimiter(policy: config.queryRateLimit, clock: clock, logger: logger),
      retryPolicy: config.queryRetryPolicy, clock: clock, logger: logger)
    // Sizing windows is worth a second try, not an hour of backoff: past that, fixed windows.
    let sizing = QueryCaller(
      limiter: counter.limiter,
      retryPolicy: RetryPolicy(
        maxAttempts: 2, baseDelay: .seconds(2), transientBaseDelay: .seconds(2), maxRetryWait: .seconds(30)),
      clock: clock, logger: logger)
    let (plan, ceiling) = try await sizedByVolume(try plan(), caller: sizing)
    warnAtStart(plan)
    let started = now()
    let runID = RunSummary.makeRunID(started)
    var summary = RunSummary(runID: runID, startedAt: started, plan: plan)
    try SuccessMarker.clear(lake: config.lake)
    logger.info("run.start", metadata: ["run_id": "\(runID)", "windows": "\(plan.windows.count)"])

    var tracker = BookmarkTracker(
      windows: plan.windows, bookmark: state.bookmarks[StreamName.export.name].flatMap(Timestamp.parse),
      notAfter: Int64(started.timeIntervalSince1970))
    let wallClock = now
    let zone = config.projectZone
    var stopError: (any Error)?
    var zoneChecked = false
    try await MixpanelClient.withClient(configuration: config.clientConfiguration, logger: logger) {
      client in
      let emptyDays = EmptyDayGuard(
        config: config, logger: logger, projectToday: { Planner.today(now: wallClock(), zone: zone) },
        counts: { [fetcher = CountFetcher(client: client, caller: counter, batchSize: 50, logger: logger)] in
          var stats = CallStats()
          return try await fetcher.counts(names: $0, from: $1, to: $2, stats: &stats)
        })
      let task = ExportWindows.task(
        client: client, config: config, runID: runID, logger: logger, clock: clock, retryPolicy: retryPolicy,
        now: wallClock, progress: progress, emptyDays: emptyDays)
      await WindowScheduler.run(
        plan.windows, maxConcurrent: config.maxConcurrentWindows, ceiling: ceiling, task: task
      ) { outcome in
        switch outcome {
        case .committed(let window, let committed, let retries):
          summary.record(committed, retries: retries)
          if !zoneChecked, committed.rows > 0 {
            zoneChecked = true
            let (config, logger) = (config, logger)
            try? await BlockingIO.run { TimeZoneCheck.check(committed, config: config, logger: logger) }
          }
          if tracker.commit(window, maxTime: committed.maxTime), let bookmark = tracker.bookmark {
            state.bookmarks[StreamName.export.name] = Timestamp.iso8601(bookmark)
            do {
              // Two fsyncs: off the cooperative threads, which keep other windows going.
              let snapshot = state
              try await BlockingIO.run { try StateStore.write(snapshot, to: statePath) }
            } catch {
              stopError = stopError ?? error
            }
          }
        case .split(let window, _, let retries):
          let (first, second) = window.halves!
          tracker.split(window, into: first, second)
          summary.recordSplit(retries: retries)
        case .recut(let window, let pieces):
          tracker.replace(window, with: pieces)
          summary.recordRecut()
        case .failed(let window, let error, let retries):
          summary.recordFailure(window, error, retries: retries)
          if Self.stopsRun(error) {
            stopError = stopError ?? error
          } else {
            logger.error("window.failed", metadata: ["window": "\(window)", "error": "\(error)"])
          }
        }
        return stopError == nil
      }
      summary.recordRateLimit(waits: await task.limiter.waits, waited: await task.limiter.totalWaited)
    }
    summary.finish(
      at: now(), bookmark: state.bookmarks[StreamName.export.name], interrupted: Task.isCancelled)
    try RunSummary.write(summary, lake: config.lake)
    if let stopError { throw stopError }
    if Task.isCancelled { throw CancellationError() }
    if marksSuccess, summary.failedWindows.isEmpty, !startsInFuture(plan) {
      try SuccessMarker.write(lake: config.lake, runID: runID)
    }
    return summary
  }

  /// The warnings a run gives before it starts: a start moved forward to Mixpanel's 365 days,
  /// the retiring project secret, a `start_date` after today.
  private func warnAtStart(_ plan: WindowPlan) {
    ExportWindows.warnIfClamped(plan, historyDays: config.historyDays, logger: logger)
    if case .projectSecret = config.credentials {
      logger.warning(
        "auth.project_secret_deprecated",
        metadata: [
          "retired_on": "2027-03-03",
          "fix": "switch to a service account (service_account_username, service_account_secret, project_id)",
        ])
    }
    if startsInFuture(plan) {
      logger.warning(
        "plan.start_date_in_future",
        metadata: [
          "start_date": "\(config.startDate)", "today": "\(plan.today)",
          "fix": "nothing to export before start_date; check start_date if this is a mistake",
        ])
    }
  }

  /// Whether `start_date` lies after today: nothing to fetch yet, which is not a success.
  public func startsInFuture(_ plan: WindowPlan) -> Bool {
    config.startDate > plan.today
  }

  /// Errors that make every other window fail too: stop starting new ones.
  static func stopsRun(_ error: any Error) -> Bool {
    if let error = error as? MixpanelAPIError { return error.isAuthProblem || error.kind == .plainHTTPServer }
    if error is LakeError || error is CancellationError || error is RunStoppedError { return true }
    return false
  }
}

extension ExportRun where C == ContinuousClock {
  /// A run on the real clock.
  public init(
    config: LakeConfig, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
    progress: ExportProgress = ExportProgress()
  ) {
    self.init(config: config, logger: logger, clock: ContinuousClock(), now: now, progress: progress)
  }
}
