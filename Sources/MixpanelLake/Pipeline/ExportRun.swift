import CalendarDay
public import Foundation
import Lake
public import Logging
import MixpanelAPI

/// One run of the export stream:
///
/// ```
///  plan ─► task group (≤ max_concurrent_windows children, refilled one-out/one-in)
///            child: WindowFetcher.fetch(window) ─► committed summary | error
///          parent: bookmark over the gap-free committed prefix ─► _state.json
///                  run record ─► _runs/<run-id>.json, _SUCCESS when every window committed
/// ```
public struct ExportRun: Sendable {
  public let config: LakeConfig
  public let logger: Logger
  public let now: @Sendable () -> Date

  public init(config: LakeConfig, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
    self.config = config
    self.logger = logger
    self.now = now
  }

  /// Plans the run from the config, the state file and today.
  public func plan() throws -> ExportPlan {
    let state = try StateStore.read(config.resolvedStatePath)
    let bookmark = state.bookmarks["export"].flatMap(Timestamp.parse)
    return Planner.plan(
      startDate: config.startDate, endDate: config.endDate, bookmark: bookmark,
      attributionWindow: config.attributionWindow, windowSize: config.dateWindowSize,
      today: Planner.today(now: now(), zone: TimeZone(identifier: config.exportDayZone)!))
  }

  /// Runs the plan; returns the summary (also written to `_runs/`). Throws only for problems
  /// that stop the whole run (auth, local I/O); failed windows are listed in the summary.
  public func run() async throws -> RunSummary {
    try FileSystem.makeDirectories(config.lake)
    let statePath = config.resolvedStatePath
    var state = try StateStore.read(statePath)
    let plan = try plan()
    if let clamped = plan.clampedStartDate {
      logger.warning(
        "plan.start_date_clamped",
        metadata: [
          "start_date": "\(clamped)", "first_day": "\(plan.firstDay.map { "\($0)" } ?? "-")",
          "reason": "Mixpanel serves at most 365 days of raw events",
        ])
    }
    let started = now()
    let runID = RunSummary.makeRunID(started)
    var summary = RunSummary(runID: runID, startedAt: started, plan: plan)
    try FileSystem.remove("\(config.lake)/_SUCCESS")
    logger.info("run.start", metadata: ["run_id": "\(runID)", "windows": "\(plan.windows.count)"])

    var tracker = BookmarkTracker(
      windows: plan.windows, bookmark: state.bookmarks["export"].flatMap(Timestamp.parse))
    let clock = now
    try await MixpanelClient.withClient(configuration: config.clientConfiguration, logger: logger) {
      client in
      let fetcher = WindowFetcher(
        client: client, config: config, runID: runID, runToken: String(runID.suffix(6)), logger: logger,
        now: { Int64(clock().timeIntervalSince1970) })
      try await withThrowingTaskGroup(of: WindowOutcome.self) { group in
        var pending = plan.windows[...]
        var inFlight = 0
        var stopError: (any Error)?
        func startNext() {
          guard stopError == nil, let window = pending.popFirst() else { return }
          inFlight += 1
          group.addTask {
            do {
              return .committed(window, try await fetcher.fetch(window, stream: "export"))
            } catch {
              return .failed(window, error)
            }
          }
        }
        for _ in 0..<config.maxConcurrentWindows { startNext() }
        while inFlight > 0, let outcome = try await group.next() {
          inFlight -= 1
          switch outcome {
          case .committed(let window, let committed):
            summary.record(committed)
            if tracker.commit(window, maxTime: committed.maxTime), let bookmark = tracker.bookmark {
              state.bookmarks["export"] = Timestamp.iso8601(bookmark)
              try StateStore.write(state, to: statePath)
            }
          case .failed(let window, let error):
            summary.recordFailure(window, error)
            if Self.stopsRun(error) {
              stopError = stopError ?? error
            } else {
              logger.error("window.failed", metadata: ["window": "\(window)", "error": "\(error)"])
            }
          }
          startNext()
        }
        if let stopError { throw stopError }
      }
    }
    summary.finish(at: now(), bookmark: state.bookmarks["export"])
    try RunSummary.write(summary, lake: config.lake)
    if summary.failedWindows.isEmpty {
      try FileSystem.writeAtomically(Array("\(runID)\n".utf8), to: "\(config.lake)/_SUCCESS")
    }
    return summary
  }

  /// Errors that make every other window fail too: stop starting new ones.
  static func stopsRun(_ error: any Error) -> Bool {
    if let error = error as? MixpanelAPIError { return error.isAuthProblem }
    if let error = error as? LakeError { return error.isLocalIO }
    return false
  }
}

enum WindowOutcome: Sendable {
  case committed(DayWindow, WindowCommitSummary)
  case failed(DayWindow, any Error)
}
