import ArgumentParser
import Foundation
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

  @Option(name: .long, help: "Comma-separated streams to export (this version: export).")
  var streams: String?

  @Option(name: .long, help: "zstd or gzip (overrides the config's 'compression').")
  var compression: String?

  @Option(name: .long, help: "The state file (default: <lake>/_state.json).")
  var state: String?

  @Flag(name: .long, help: "Only warnings and errors on stderr.")
  var quiet = false

  func run() async throws {
    let logger = CLILogging.logger(quiet: quiet)
    do {
      let overrides = ConfigOverrides(
        lake: lake, compression: compression,
        streams: streams.map { $0.split(separator: ",").map { String($0) } }, statePath: state)
      let loaded = try ConfigLoader.load(
        path: config, environment: ProcessInfo.processInfo.environment, overrides: overrides)
      let summary = try await ExportRun(config: loaded, logger: logger).run()
      print(SummaryText.render(summary, lake: loaded.lake))
      if !summary.failedWindows.isEmpty {
        for window in summary.failedWindows {
          FileHandle.standardError.write(Data("error: \(window.error ?? "window failed")\n".utf8))
        }
        throw ExitCode(ExitStatus.windowsFailed)
      }
    } catch let exit as ExitCode {
      throw exit
    } catch {
      throw ExitStatus.fail(error)
    }
  }
}

enum CLILogging {
  static func logger(quiet: Bool) -> Logger {
    var logger = Logger(label: "mixpanel-lake") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = quiet ? .warning : .info
    return logger
  }
}
