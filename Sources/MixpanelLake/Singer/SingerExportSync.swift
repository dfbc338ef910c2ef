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

    /// A window not yet emitted, split or cut into `pieces` covering the same days.
    mutating func replace(_ window: DayWindow, with pieces: [DayWindow]) {
      if let index = order.firstIndex(of: window) { order.replaceSubrange(index...index, with: pieces) }
      tracker.replace(window, with: pieces)
    }
  }

  func run(schema: inout SingerSchema, state: inout SingerState, output: SingerOutput) async throws {
    let config = tap.config
    let logger = tap.logger
    let plan = try ExportWindows.plan(
      config: config, bookmarkText: state.bookmark(StreamName.export.name),
      bookmarkSource: "the --state file",
      now: tap.now()
    ).firstDayApart()
    ExportWindows.warnIfClamped(plan, historyDays: config.historyDays, logger: logger)
    logger.info("tap.export_start", metadata: ["windows": "\(plan.windows.count)"])
    var emitter = Emitter(
      order: plan.windows,
      tracker: BookmarkTracker(
        windows: plan.windows, bookmark: state.bookmark(StreamName.export.name).flatMap(Timestamp.parse),
        notAfter: Int64(tap.now().timeIntervalSince1970)))
    let task = ExportWindows.task(
      client: client, config: spoolConfig, runID: runID, logger: logger, clock: tap.clock,
      retryPolicy: tap.retryPolicy, now: tap.now, progress: ExportProgress())
    var stopError: (any Error)?
    await WindowScheduler.run(
      plan.windows, maxConcurrent: config.maxConcurrentWindows,
      ceiling: WindowCeiling(maxDays: config.dateWindowSize), task: task
    ) { outcome in
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
        emitter.replace(window, with: [first, second])
      case .recut(let window, let pieces):
        emitter.replace(window, with: pieces)
      case .failed(let window, let error, _):
        logger.error("window.failed", metadata: ["window": "\(window)", "error": "\(error)"])
        stopError = stopError ?? error
      }
      return stopError == nil
    }
    if let stopError { throw stopError }
    if Task.isCancelled { throw CancellationError() }
    logger.info(
      "tap.stream_synced", metadata: ["stream": "\(StreamName.export.name)", "rows": "\(emitter.rows)"])
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
        LakeLayout.dayPartition(stream: StreamName.export.name, day: window.from.adding(days: $0))
      }
      partitions += (window.from == window.to ? [window.from] : [window.from, window.to]).map {
        LakeLayout.outOfWindow(stream: StreamName.export.name, requestedDay: $0)
      }
      let extracted = Timestamp.singer(SingerTap<C>.seconds(tap.now()))
      emitter.rows += try spool.emit(partitions, schema: &schema, timeExtracted: extracted, to: output)
      for partition in partitions { spool.remove(partition) }
      if emitter.tracker.commit(window, maxTime: summary.maxTime), let bookmark = emitter.tracker.bookmark {
        state.setBookmark(StreamName.export.name, Timestamp.singer(bookmark))
      }
      try output.state(state.message)
      emitter.emitted += 1
    }
  }
}
