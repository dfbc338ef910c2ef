import CalendarDay
import Foundation
import Lake
import Logging
import MixpanelAPI

/// How the export stream is planned and its windows are fetched, for both of its callers:
/// ``ExportRun`` (into the lake) and ``SingerExportSync`` (into the tap's spool). They differ in
/// where the bookmark comes from and what happens to a committed window, nothing else.
enum ExportWindows {
  /// The windows from `start_date`, or from the bookmark less the attribution window, to today
  /// in the export's time zone. Throws for a bookmark after today (`bookmarkSource` names
  /// where it came from, for the message).
  static func plan(
    config: LakeConfig, bookmarkText: String?, bookmarkSource: String, now: Date
  ) throws -> WindowPlan {
    let bookmark = bookmarkText.flatMap(Timestamp.parse)
    let today = Planner.today(now: now, zone: config.exportZone)
    try Planner.checkBookmark(bookmark, text: bookmarkText, today: today, statePath: bookmarkSource)
    return Planner.plan(
      startDate: config.startDate, endDate: config.endDate, bookmark: bookmark,
      attributionWindow: config.attributionWindow, windowSize: config.dateWindowSize, today: today,
      historyDays: config.historyDays)
  }

  /// Warns when the plan starts later than `start_date` (`history_days` before today).
  static func warnIfClamped(_ plan: WindowPlan, historyDays: Int, logger: Logger) {
    guard let clamped = plan.clampedStartDate else { return }
    logger.warning(
      "plan.start_date_clamped",
      metadata: [
        "start_date": "\(clamped)", "first_day": "\(plan.firstDay.map { "\($0)" } ?? "-")",
        "reason": "history_days is \(historyDays); 0 exports older days (paid Mixpanel plans keep them)",
      ])
  }

  /// One window's fetch, retries and splits on a new export limiter (Mixpanel's export limits
  /// are per project: one limiter per run), with `config`'s failure streak and one parsing
  /// slot per core.
  static func task<C: Clock>(
    client: MixpanelClient, config: LakeConfig, runID: String, logger: Logger, clock: C,
    retryPolicy: RetryPolicy, now: @escaping @Sendable () -> Date, progress: ExportProgress,
    emptyDays: EmptyDayGuard? = nil
  ) -> WindowTask<C> where C.Duration == Duration {
    WindowTask(
      fetcher: WindowExport(
        client: client, config: config, runID: runID, logger: logger,
        now: { Int64(now().timeIntervalSince1970) }, progress: progress,
        slots: ProcessingSlots(limit: ProcessInfo.processInfo.activeProcessorCount), emptyDays: emptyDays),
      limiter: RateLimiter(policy: config.exportRateLimit, clock: clock, logger: logger),
      retryPolicy: retryPolicy, clock: clock, logger: logger,
      streak: FailureStreak(limit: config.maxConsecutiveFailures))
  }
}
