public import Foundation
import Lake
public import Logging
import MixpanelAPI

/// One whole run of a project's selected streams into its lake, as `export` does it:
///
/// ```
///  lock <lake>/.lock, lease <lake>/_lease.json ─► sweep ─► clear _SUCCESS ─► export (windows) ─► full tables ─► daily streams
///                                       └──────────── one Query API limiter ────────────┘
///  ─► _SUCCESS, when every selected stream completed
/// ```
///
/// The full-table streams run after export, and the daily streams after them, sharing one Query
/// API limiter (Mixpanel's 60/hour is per project). `_SUCCESS` is written only when every
/// selected stream succeeded, no daily stream was skipped part-way (which leaves days missing),
/// and `start_date` is not after today (nothing fetched is not a complete lake).
///
/// Errors that stop the whole run (auth, local I/O, a corrupt state, a run stopped by
/// `max_consecutive_failures`, cancellation) are thrown; failed windows and streams are in the
/// summary. The caller prints the summary and maps it to an exit code.
public struct LakeExport<C: Clock>: Sendable where C.Duration == Duration {
  public let config: LakeConfig
  public let logger: Logger
  /// The clock rate-limit waits and retry backoff sleep on.
  public let clock: C
  public let now: @Sendable () -> Date
  /// Live counters of the export stream, readable while the run goes on.
  public let progress: ExportProgress

  public init(
    config: LakeConfig, logger: Logger, clock: C, now: @escaping @Sendable () -> Date = { Date() },
    progress: ExportProgress = ExportProgress()
  ) {
    self.config = config
    self.logger = logger
    self.clock = clock
    self.now = now
    self.progress = progress
  }

  /// The export stream's run (it leaves `_SUCCESS` to this run).
  public var exportRun: ExportRun<C> { exportRun(config) }

  private func exportRun(_ config: LakeConfig) -> ExportRun<C> {
    var run = ExportRun(config: config, logger: logger, clock: clock, now: now, progress: progress)
    run.marksSuccess = false
    return run
  }

  /// Runs every selected stream; see the type's documentation.
  public func run() async throws -> LakeExportSummary {
    // One writing run per lake at a time: the flock binds this host's runs, the lease in the
    // lake every host's. Both are held until this project's streams are done.
    let lock = try LakeLock.acquire(lake: config.lake)
    defer { withExtendedLifetime(lock) {} }
    if let reason = lock.unavailableReason {
      logger.warning(
        "lake.lock_unavailable",
        metadata: ["path": "\(lock.path)", "reason": "\(reason)", "risk": "two runs at once would mix"])
    }
    let lease = try LakeLease.acquire(
      lake: config.lake, runID: RunSummary.makeRunID(now()), seconds: config.leaseSeconds,
      now: { [now] in Int64(now().timeIntervalSince1970) })
    defer { lease.release() }
    if let storage = ObjectStorageMount.detect(config.lake) {
      logger.info(
        "lake.object_storage_mount",
        metadata: [
          "file_system": "\(storage)", "protection": "lease \(lease.path), renewed while the run goes on",
        ])
    }
    var fenced = self.config
    fenced.commitFence = CommitFence(lease: lease)
    let config = fenced
    sweep(config)
    try SuccessMarker.clear(lake: config.lake)
    return try await withThrowingTaskGroup(of: LakeExportSummary?.self) { group in
      // The lease's heartbeat, for windows that run longer than a third of it without a commit.
      group.addTask {
        while !Task.isCancelled {
          try? await Task.sleep(for: .seconds(max(1, lease.seconds / 3)))
          if !Task.isCancelled { try? lease.check() }
        }
        return nil
      }
      group.addTask { try await self.streams(config, lease: lease) }
      while let result = try await group.next() {
        if let summary = result {
          group.cancelAll()
          return summary
        }
      }
      throw CancellationError()
    }
  }

  /// Removes what killed runs left in the lake (``LakeSweep``), keeping an interrupted engage
  /// pass's pages.
  private func sweep(_ config: LakeConfig) {
    var keep = Set<String>()
    if let checkpoint = EngageCheckpoint.read(lake: config.lake) {
      for file in checkpoint.files {
        keep.insert("\(checkpoint.partition)/\(CommitMode.stagingName(for: file.path))")
      }
    }
    let result = LakeSweep.sweep(lake: config.lake, keep: keep)
    if !result.removed.isEmpty {
      logger.notice(
        "lake.swept",
        metadata: [
          "removed": "\(result.removed.count)",
          "first": "\(result.removed.prefix(3).joined(separator: ", "))",
          "why": "left by a run that was killed",
        ])
    }
    if !result.failed.isEmpty {
      logger.warning(
        "lake.sweep_failed", metadata: ["files": "\(result.failed.prefix(5).joined(separator: ", "))"])
    }
  }

  private func streams(_ config: LakeConfig, lease: LakeLease) async throws -> LakeExportSummary {
    var summary = LakeExportSummary()
    // One Query API budget (60/hour) for every Query call of this project.
    let queryLimiter = RateLimiter(policy: config.queryRateLimit, clock: clock, logger: logger)
    if config.streams.contains(.export) {
      var export = exportRun(config)
      export.queryLimiter = queryLimiter
      summary.export = try await export.run()
    }
    let queryRun = QueryStreamsRun(
      config: config, logger: logger, clock: clock, now: now, limiter: queryLimiter)
    let tables = FullTableStream.selected(config.streams)
    if !tables.isEmpty {
      summary.tables = try await queryRun.tables(tables, runID: summary.export?.runID)
    }
    let dailies = DailyStream.selected(config.streams)
    if !dailies.isEmpty {
      summary.dailies = try await queryRun.daily(
        dailies, runID: summary.export?.runID ?? summary.tables?.runID)
    }
    let today = Planner.today(now: now(), zone: config.exportZone)
    summary.startsInFuture = config.startDate > today
    if summary.startsInFuture, !config.streams.contains(.export) {
      // ExportRun warned already when export ran.
      logger.warning(
        "plan.start_date_in_future", metadata: ["start_date": "\(config.startDate)", "today": "\(today)"])
    }
    if summary.isComplete, let runID = summary.runID {
      try lease.check()
      try SuccessMarker.write(lake: config.lake, runID: runID)
      summary.markedSuccess = true
    }
    return summary
  }
}

extension LakeExport where C == ContinuousClock {
  /// A run on the real clock.
  public init(
    config: LakeConfig, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
    progress: ExportProgress = ExportProgress()
  ) {
    self.init(config: config, logger: logger, clock: ContinuousClock(), now: now, progress: progress)
  }
}

/// What one ``LakeExport`` run did, stream family by stream family.
public struct LakeExportSummary: Sendable {
  public var export: RunSummary?
  public var tables: FullTableRunSummary?
  public var dailies: DailyStreamRunSummary?
  /// `start_date` lies after today: nothing was fetched.
  public var startsInFuture = false
  /// Whether `_SUCCESS` was written.
  public var markedSuccess = false

  public init() {}

  /// The run's id (the export's when it ran).
  public var runID: String? { export?.runID ?? tables?.runID ?? dailies?.runID }

  /// Every failure of a window or a stream, as one line each.
  public var failures: [String] {
    (export?.failedWindows ?? []).map { $0.error ?? "window failed" }
      + (tables?.failedStreams ?? []).map { $0.message ?? "\($0.stream) failed" }
      + (dailies?.failedStreams ?? []).map { $0.message ?? "\($0.stream) failed" }
  }

  /// Whether a daily stream was skipped part-way (revenue's legacy endpoint failing): the run
  /// succeeds, but days are missing.
  public var isIncomplete: Bool {
    dailies?.streams.contains { $0.status == .skipped && $0.windowsCommitted < $0.windows } == true
  }

  /// Every selected stream completed: what `_SUCCESS` stands for.
  public var isComplete: Bool { failures.isEmpty && !isIncomplete && !startsInFuture }
}
