import CalendarDay
import Foundation
import Lake
import Logging
import MixpanelAPI

/// The export stream of a Singer sync: the lake's plan and window tasks (rate limiter, retries,
/// truncation checks, splitting), committing into the spool; windows are emitted in plan order,
/// each followed by a STATE whose bookmark covers exactly the windows emitted so far.
struct SingerExportSync<C: Clock>: Sendable where C.Duration == Duration {
  let tap: SingerTap<C>
  let spoolConfig: LakeConfig
  let spool: SingerSpool
  let runID: String
  let client: MixpanelClient

  /// The emission side: windows finished out of order wait here for the ones before them.
  private struct Emitter {
    var order: [DayWindow]
    var emitted = 0
    var ready: [DayWindow: WindowCommitSummary] = [:]
    var tracker: BookmarkTracker
    var rows = 0
  }

  func run(schema: inout SingerSchema, state: inout SingerState, output: SingerOutput) async throws {
    let config = tap.config
    let logger = tap.logger
    let bookmark = state.bookmark("export").flatMap(Timestamp.parse)
    let today = Planner.today(now: tap.now(), zone: config.exportZone)
    try Planner.checkBookmark(
      bookmark, text: state.bookmark("export"), today: today, statePath: "the --state file")
    let plan = Planner.plan(
      startDate: config.startDate, endDate: config.endDate, bookmark: bookmark,
      attributionWindow: config.attributionWindow, windowSize: config.dateWindowSize, today: today)
    if let clamped = plan.clampedStartDate {
      logger.warning(
        "plan.start_date_clamped",
        metadata: ["start_date": "\(clamped)", "reason": "Mixpanel serves at most 365 days of raw events"])
    }
    logger.info("tap.export_start", metadata: ["windows": "\(plan.windows.count)"])
    var emitter = Emitter(
      order: plan.windows, tracker: BookmarkTracker(windows: plan.windows, bookmark: bookmark))
    let limiter = RateLimiter(policy: config.exportRateLimit, clock: tap.clock, logger: logger)
    let wallClock = tap.now
    let task = WindowTask(
      fetcher: WindowExport(
        client: client, config: spoolConfig, runID: runID, logger: logger,
        now: { Int64(wallClock().timeIntervalSince1970) }, progress: ExportProgress(),
        slots: ProcessingSlots(limit: ProcessInfo.processInfo.activeProcessorCount)),
      limiter: limiter, retryPolicy: tap.retryPolicy, clock: tap.clock, logger: logger,
      streak: FailureStreak(limit: config.maxConsecutiveFailures))
    var stopError: (any Error)?
    await WindowScheduler.run(plan.windows, maxConcurrent: config.maxConcurrentWindows, task: task) {
      outcome in
      switch outcome {
      case .committed(let window, let summary, _):
        emitter.ready[window] = summary
        do {
          try emit(&emitter, schema: &schema, state: &state, output: output)
        } catch {
          stopError = stopError ?? error
        }
      case .split(let window, _, _):
        let (first, second) = window.halves!
        if let index = emitter.order.firstIndex(of: window) {
          emitter.order.replaceSubrange(index...index, with: [first, second])
        }
        emitter.tracker.split(window, into: first, second)
      case .failed(let window, let error, _):
        logger.error("window.failed", metadata: ["window": "\(window)", "error": "\(error)"])
        stopError = stopError ?? error
      }
      return stopError == nil
    }
    if let stopError { throw stopError }
    if Task.isCancelled { throw CancellationError() }
    logger.info("tap.stream_synced", metadata: ["stream": "export", "rows": "\(emitter.rows)"])
  }

  /// Emits every ready window at the head of the plan, each followed by a STATE.
  private func emit(
    _ emitter: inout Emitter, schema: inout SingerSchema, state: inout SingerState, output: SingerOutput
  ) throws {
    while emitter.emitted < emitter.order.count,
      let summary = emitter.ready.removeValue(forKey: emitter.order[emitter.emitted])
    {
      let window = emitter.order[emitter.emitted]
      var partitions = (0..<window.dayCount).map {
        LakeLayout.dayPartition(stream: "export", day: window.from.adding(days: $0))
      }
      partitions.append(LakeLayout.outOfWindow(stream: "export", from: "\(window.from)", to: "\(window.to)"))
      let extracted = Timestamp.iso8601(SingerTap<C>.seconds(tap.now()))
      emitter.rows += try spool.emit(partitions, schema: &schema, timeExtracted: extracted, to: output)
      for partition in partitions { spool.remove(partition) }
      if emitter.tracker.commit(window, maxTime: summary.maxTime), let bookmark = emitter.tracker.bookmark {
        state.setBookmark("export", Timestamp.iso8601(bookmark))
      }
      try output.state(state.message)
      emitter.emitted += 1
    }
  }
}
