import CalendarDay
import Foundation
import Lake
import Logging
import MixpanelAPI
import NDJSON

/// How ``QueryStreamsRun`` runs one daily stream (funnels, revenue), window by window:
/// funnels: `funnels/list` once, then per window and funnel `funnels?unit=day`; revenue: per
/// window `engage/revenue?unit=day`. Rows go to their day partitions, each window commits
/// whole, and the bookmark follows the gap-free committed prefix.
struct DailyStreamContext<C: Clock>: Sendable where C.Duration == Duration {
  let client: MixpanelClient
  let caller: QueryCaller<C>
  let config: LakeConfig
  let logger: Logger
  let runID: String
  let now: @Sendable () -> Date

  /// Exports one stream over `plan`; never throws for the stream's own failure (it is in the
  /// record), only for cancellation and for a state file that cannot be written.
  func run(_ stream: DailyStream, plan: WindowPlan) async throws -> (
    record: DailyStreamRecord, error: (any Error)?
  ) {
    var record = DailyStreamRecord(stream: stream.name, status: .committed)
    record.firstDay = plan.firstDay.map { "\($0)" }
    record.lastDay = plan.lastDay.map { "\($0)" }
    record.windows = plan.windows.count
    let statePath = config.resolvedStatePath
    var tracker = BookmarkTracker(
      windows: plan.windows,
      bookmark: try StateStore.read(statePath).bookmarks[stream.name].flatMap(Timestamp.parse),
      notAfter: Int64(now().timeIntervalSince1970))
    record.bookmark = tracker.bookmark.map(Timestamp.iso8601)
    var stats = CallStats()
    var failure: (any Error)?
    var funnels: [(id: JSONNode, name: JSONNode)] = []
    if stream == .funnels, !plan.windows.isEmpty {
      do {
        funnels = try await funnelList(stats: &stats)
      } catch {
        failure = error
      }
    }
    for window in plan.windows where failure == nil {
      let committed: WindowCommitSummary
      do {
        try Task.checkCancellation()
        committed = try await fetch(stream, window: window, funnels: funnels, stats: &stats)
      } catch {
        failure = error
        break
      }
      record.windowsCommitted += 1
      record.days += committed.rowsPerDay.count
      record.rows += committed.rows
      record.files += committed.files
      record.bytes += committed.storedBytes
      record.uncompressedBytes += committed.uncompressedBytes
      // Bookmark: the last committed day (of a gap-free prefix of windows); the next run starts
      // attribution_window days before it.
      if tracker.commit(window, maxTime: Timestamp.iso8601(window.to.startEpochSeconds)),
        let bookmark = tracker.bookmark
      {
        var state = try StateStore.read(statePath)
        state.bookmarks[stream.name] = Timestamp.iso8601(bookmark)
        try StateStore.write(state, to: statePath)
        record.bookmark = state.bookmarks[stream.name]
      }
    }
    record.requests = stats.calls
    record.retries = stats.retries
    guard let failure else {
      logger.info(
        "daily.committed",
        metadata: [
          "stream": "\(stream.name)", "days": "\(record.days)", "rows": "\(record.rows)",
          "bookmark": "\(record.bookmark ?? "none")",
        ])
      return (record, nil)
    }
    if failure is CancellationError || Task.isCancelled { throw CancellationError() }
    if stream == .revenue, failure is MixpanelAPIError || failure is DailyRecordError {
      record.status = .skipped
      record.message =
        "revenue skipped (the legacy engage/revenue endpoint answered an error), earlier days stay: \(failure)"
      logger.warning("daily.skipped", metadata: ["stream": "\(stream.name)", "error": "\(failure)"])
      return (record, nil)
    }
    record.status = .failed
    record.message = "\(stream.name): \(failure)"
    logger.error("daily.failed", metadata: ["stream": "\(stream.name)", "error": "\(failure)"])
    return (record, failure)
  }

  /// `funnels/list`, once per run: each funnel's id (as its JSON number) and name.
  private func funnelList(stats: inout CallStats) async throws -> [(id: JSONNode, name: JSONNode)] {
    let list = try await caller.call("funnels/list", stats: &stats) { try await client.funnelList() }
    var seen = Set<String>()
    var funnels: [(id: JSONNode, name: JSONNode)] = []
    for funnel in list {
      guard let id = funnel["funnel_id"], case .number(let text) = id else {
        throw DailyRecordError(context: "funnels/list", detail: "a funnel without a numeric funnel_id")
      }
      if seen.insert(text).inserted { funnels.append((id, funnel["name"] ?? .null)) }
    }
    return funnels
  }

  /// Fetches one window and commits its day partitions; nothing is visible if it throws.
  private func fetch(
    _ stream: DailyStream, window: DayWindow, funnels: [(id: JSONNode, name: JSONNode)],
    stats: inout CallStats
  ) async throws -> WindowCommitSummary {
    let writer = WindowWriter(
      lakeRoot: config.lake, stream: stream.name,
      window: ManifestWindow(
        id: "\(window.compactName)-\(runID.suffix(6))", fromDate: "\(window.from)", toDate: "\(window.to)"),
      days: window.days, runID: runID, settings: config.writerSettings)
    do {
      var rows: [(day: Day, line: [UInt8])] = []
      switch stream {
      case .funnels:
        for funnel in funnels {
          guard case .number(let id) = funnel.id else { continue }
          let context = "funnels \(id) \(window)"
          let data = try await caller.call(context, stats: &stats) {
            try await client.funnel(id: id, from: window.from, to: window.to)
          }
          rows += try DailyRecord.funnelRows(
            funnelID: funnel.id, name: funnel.name, data: data, context: context)
        }
      case .revenue:
        let context = "engage/revenue \(window)"
        let results = try await caller.call(context, stats: &stats) {
          try await client.revenue(from: window.from, to: window.to)
        }
        rows = try DailyRecord.revenueRows(results, context: context)
      }
      // Rows go to their day's partition in day order; within a day, funnels keep list order.
      let ordered = rows.enumerated().sorted {
        ($0.element.day, $0.offset) < ($1.element.day, $1.offset)
      }
      let tally = PropertyTypeTally(topLevel: true)
      for (_, row) in ordered {
        try row.line.withUnsafeBytes { raw in
          _ = try? JSONLineScanner.scan(raw, tally: tally)
          try writer.append(raw, day: row.day, time: row.day.startEpochSeconds)
        }
      }
      // The schema first: once the days are visible, it already has their columns.
      try config.schemas.merge(
        StreamSchema(tableTally: tally), lake: config.lake, stream: stream.name,
        failureInjector: config.failureInjector)
      let summary = try writer.commit(committedAt: Int64(now().timeIntervalSince1970))
      logger.info(
        "daily.window.committed",
        metadata: ["stream": "\(stream.name)", "window": "\(window)", "rows": "\(summary.rows)"])
      return summary
    } catch {
      writer.discard()
      throw error
    }
  }
}
