import ArgumentParser
import CommandLineSupport
import Foundation
import Glibc
import Logging
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

  func validate() throws {
    guard progressInterval > 0 else { throw ValidationError("--progress-interval must be positive") }
    if let timeScale, !(timeScale > 0) { throw ValidationError("--time-scale must be positive") }
  }

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
      let progress = ExportProgress()
      // Scale 1 is real time; a larger one (for the fake server only) shortens waits.
      let lakeExport = LakeExport(
        config: loaded, logger: logger, clock: ScaledClock(scale: timeScale ?? 1), progress: progress)
      let plannedWindows = (try? lakeExport.exportRun.plan().windows.count) ?? 0
      let run: @Sendable () async throws -> LakeExportSummary = { try await lakeExport.run() }
      let showProgress = !quiet && loaded.streams.contains(.export)
      let summary = try await Self.runUntilSignal(
        run, logger: logger, progress: showProgress ? (progress, plannedWindows, progressInterval) : nil,
        logFormat: logFormat)
      if let export = summary.export { print(SummaryText.render(export, lake: loaded.lake)) }
      if let tables = summary.tables { print(tables.text) }
      if let dailies = summary.dailies { print(dailies.text) }
      for failure in summary.failures { ExitStatus.printError(failure, format: logFormat) }
      if !summary.failures.isEmpty { throw ExitCode(ExitStatus.windowsFailed) }
    } catch let exit as ExitCode {
      throw exit
    } catch is CancellationError {
      throw ExitCode(130)
    } catch {
      throw ExitStatus.fail(error, format: logFormat)
    }
  }
}
