import ArgumentParser
import Foundation
import Glibc
import Lake
import Logging
import MixpanelAPI
import MixpanelLake

struct ExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export Mixpanel streams into the lake, continuing from the last run's state.")

  @Option(name: .long, help: "The JSON config file (tap-mixpanel's keys plus mixpanel-lake's).")
  var config: String

  @Option(name: .long, help: "The lake directory (overrides the config's 'lake').")
  var lake: String?

  @Option(
    name: .long,
    help:
      "Comma-separated streams: export, engage, cohorts, cohort_members, annotations, funnels, revenue, or all."
  )
  var streams: String?

  @Option(name: .long, help: "zstd or gzip (overrides the config's 'compression').")
  var compression: String?

  @Option(name: .long, help: "The state file (default: <lake>/_state.json).")
  var state: String?

  @Option(
    name: .long,
    help: "A Singer catalog (from 'discover'): selects streams, and columns of flat export records.")
  var catalog: String?

  @Flag(name: .long, help: "Only warnings and errors on stderr (no progress).")
  var quiet = false

  @Flag(name: .long, help: "Info logs on a terminal too (there the progress line replaces them).")
  var verbose = false

  @Option(name: .long, help: "Seconds between progress lines when stderr is not a terminal.")
  var progressInterval: Double = 30

  @Option(name: .long, help: "text or json (one JSON object per log line).")
  var logFormat: LogFormat = .text

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Run rate-limit waits N times faster (simulations against the fake's --time-scale only).",
      visibility: .hidden))
  var timeScale: Double?

  func run() async throws {
    // On a terminal the rewritten progress line stands in for the per-window info logs.
    let terminal = isatty(STDERR_FILENO) == 1 && logFormat == .text && !verbose
    let logger = CLILogging.logger(quiet: quiet || terminal, format: logFormat)
    do {
      let overrides = ConfigOverrides(
        lake: lake, compression: compression,
        streams: streams.map { $0.split(separator: ",").map { String($0) } }, statePath: state)
      var projects = try ConfigLoader.loadAll(
        path: config, environment: ProcessInfo.processInfo.environment, overrides: overrides)
      if let catalog {
        projects = try projects.map { try CatalogSelection.apply(catalogPath: catalog, to: $0) }
      }
      var failed = false
      for loaded in projects {
        if projects.count > 1 { print("project lake \(loaded.lake)") }
        do {
          try await export(loaded, logger: logger)
        } catch let exit as ExitCode where exit.rawValue == ExitStatus.windowsFailed {
          failed = true
        }
      }
      if failed { throw ExitCode(ExitStatus.windowsFailed) }
    } catch let exit as ExitCode {
      throw exit
    } catch is CancellationError {
      throw ExitCode(130)
    } catch {
      throw ExitStatus.fail(error, format: logFormat)
    }
  }

  /// Exports one project; throws `ExitCode` for failed windows or a signal.
  private func export(_ loaded: LakeConfig, logger: Logger) async throws {
    do {
      // One writing run per lake at a time; held until this project's streams are done.
      let lock = try LakeLock.acquire(lake: loaded.lake)
      defer { withExtendedLifetime(lock) {} }
      if let reason = lock.unavailableReason {
        logger.warning(
          "lake.lock_unavailable",
          metadata: ["path": "\(lock.path)", "reason": "\(reason)", "risk": "two runs at once would mix"])
      }
      let progress = ExportProgress()
      // One Query API budget (60/hour) for every Query stream of this project.
      let queryLimiter = RateLimiter(policy: loaded.queryRateLimit, logger: logger)
      let runExport: @Sendable () async throws -> RunSummary
      let plannedWindows: Int
      // `_SUCCESS` is this command's to write, once every selected stream succeeded.
      if let timeScale {
        var run = ExportRun(
          config: loaded, logger: logger, clock: ScaledClock(scale: timeScale), progress: progress)
        run.marksSuccess = false
        plannedWindows = (try? run.plan().windows.count) ?? 0
        runExport = { [run] in try await run.run() }
      } else {
        var run = ExportRun(config: loaded, logger: logger, progress: progress)
        run.marksSuccess = false
        plannedWindows = (try? run.plan().windows.count) ?? 0
        runExport = { [run] in try await run.run() }
      }
      let showProgress = !quiet && loaded.streams.contains("export")
      let interval = progressInterval
      let tables = FullTableStream.selected(loaded.streams)
      let dailies = DailyStream.selected(loaded.streams)
      let exportsEvents = loaded.streams.contains("export")
      let ending = await withTaskGroup(of: Ending.self) { group in
        group.addTask {
          do {
            try SuccessMarker.clear(lake: loaded.lake)
            let summary = exportsEvents ? try await runExport() : nil
            // The full-table streams run after export, under their own Query API limiter.
            let tableSummary =
              tables.isEmpty
              ? nil
              : try await FullTableRun(config: loaded, logger: logger, limiter: queryLimiter).run(
                streams: tables, runID: summary?.runID)
            // Then the daily streams (funnels, revenue), likewise.
            let dailySummary =
              dailies.isEmpty
              ? nil
              : try await DailyStreamRun(config: loaded, logger: logger, limiter: queryLimiter).run(
                streams: dailies, runID: summary?.runID ?? tableSummary?.runID)
            return .finished(summary, tableSummary, dailySummary)
          } catch {
            return .failed(error)
          }
        }
        group.addTask {
          await SignalWatcher.first(of: [SIGINT, SIGTERM]).map(Ending.signal) ?? .watcherStopped
        }
        if showProgress {
          group.addTask {
            await ProgressReporter.run(progress: progress, windows: plannedWindows, interval: interval)
            return .watcherStopped
          }
        }
        var signal: Int32?
        while let ending = await group.next() {
          switch ending {
          case .finished, .failed:
            group.cancelAll()
            if let signal { return Ending.signal(signal) }
            return ending
          case .signal(let number):
            // Stop: cancel the run, whose in-flight windows discard their files.
            logger.warning("run.interrupted", metadata: ["signal": "\(number)"])
            signal = number
            group.cancelAll()
          case .watcherStopped:
            break
          }
        }
        return signal.map(Ending.signal) ?? .watcherStopped
      }
      let summary: RunSummary?
      let tableSummary: FullTableRunSummary?
      let dailySummary: DailyStreamRunSummary?
      switch ending {
      case .finished(let finished, let finishedTables, let finishedDailies):
        summary = finished
        tableSummary = finishedTables
        dailySummary = finishedDailies
      case .failed(let error): throw error
      case .signal(let number):
        ExitStatus.printError(
          "interrupted by signal \(number); committed windows are kept, run again to continue",
          format: logFormat)
        throw ExitCode(SignalWatcher.exitStatus(number))
      case .watcherStopped: throw ExitCode(1)
      }
      if let summary { print(SummaryText.render(summary, lake: loaded.lake)) }
      if let tableSummary { print(tableSummary.text) }
      if let dailySummary { print(dailySummary.text) }
      let failedWindows = summary?.failedWindows ?? []
      for window in failedWindows {
        ExitStatus.printError(window.error ?? "window failed", format: logFormat)
      }
      for stream in tableSummary?.failedStreams ?? [] {
        ExitStatus.printError(stream.message ?? "\(stream.stream) failed", format: logFormat)
      }
      for stream in dailySummary?.failedStreams ?? [] {
        ExitStatus.printError(stream.message ?? "\(stream.stream) failed", format: logFormat)
      }
      if !failedWindows.isEmpty || !(tableSummary?.failedStreams.isEmpty ?? true)
        || !(dailySummary?.failedStreams.isEmpty ?? true)
      {
        throw ExitCode(ExitStatus.windowsFailed)
      }
      // A daily stream skipped part-way (revenue's legacy endpoint failing) leaves days missing:
      // the run exits 0, but the lake is not complete.
      let incomplete = dailySummary?.streams.contains {
        $0.status == .skipped && $0.windowsCommitted < $0.windows
      }
      // start_date after today: nothing was fetched, which is not a complete lake (ExportRun
      // warned, naming the date, when export ran).
      let today = Planner.today(now: Date(), zone: TimeZone(identifier: loaded.exportDayZone)!)
      let startsInFuture = loaded.startDate > today
      if startsInFuture, !exportsEvents {
        logger.warning(
          "plan.start_date_in_future", metadata: ["start_date": "\(loaded.startDate)", "today": "\(today)"])
      }
      if incomplete != true, !startsInFuture,
        let runID = summary?.runID ?? tableSummary?.runID ?? dailySummary?.runID
      {
        try SuccessMarker.write(lake: loaded.lake, runID: runID)
      }
    } catch let exit as ExitCode {
      throw exit
    } catch is CancellationError {
      throw ExitCode(130)
    } catch {
      throw ExitStatus.fail(error, format: logFormat)
    }
  }
}

enum Ending: Sendable {
  case finished(RunSummary?, FullTableRunSummary?, DailyStreamRunSummary?)
  case failed(any Error)
  case signal(Int32)
  case watcherStopped
}

enum CLILogging {
  static func logger(quiet: Bool, format: LogFormat = .text) -> Logger {
    var logger = Logger(label: "mixpanel-lake") { label in
      switch format {
      case .text: return StreamLogHandler.standardError(label: label)
      case .json: return JSONLogHandler(label: label)
      }
    }
    logger.logLevel = quiet ? .warning : .info
    return logger
  }
}

enum LogFormat: String, ExpressibleByArgument, Sendable {
  case text, json
}
