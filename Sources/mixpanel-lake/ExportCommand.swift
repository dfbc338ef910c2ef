import ArgumentParser
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
      let run = ExportRun(config: loaded, logger: logger)
      let ending = await withTaskGroup(of: Ending.self) { group in
        group.addTask {
          do { return .finished(try await run.run()) } catch { return .failed(error) }
        }
        group.addTask {
          await SignalWatcher.first(of: [SIGINT, SIGTERM]).map(Ending.signal) ?? .watcherStopped
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
      let summary: RunSummary
      switch ending {
      case .finished(let finished): summary = finished
      case .failed(let error): throw error
      case .signal(let number):
        FileHandle.standardError.write(
          Data(
            "error: interrupted by signal \(number); committed windows are kept, run again to continue\n".utf8
          ))
        throw ExitCode(SignalWatcher.exitStatus(number))
      case .watcherStopped: throw ExitCode(1)
      }
      print(SummaryText.render(summary, lake: loaded.lake))
      if !summary.failedWindows.isEmpty {
        for window in summary.failedWindows {
          FileHandle.standardError.write(Data("error: \(window.error ?? "window failed")\n".utf8))
        }
        throw ExitCode(ExitStatus.windowsFailed)
      }
    } catch let exit as ExitCode {
      throw exit
    } catch is CancellationError {
      throw ExitCode(130)
    } catch {
      throw ExitStatus.fail(error)
    }
  }
}

enum Ending: Sendable {
  case finished(RunSummary)
  case failed(any Error)
  case signal(Int32)
  case watcherStopped
}

enum CLILogging {
  static func logger(quiet: Bool) -> Logger {
    var logger = Logger(label: "mixpanel-lake") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = quiet ? .warning : .info
    return logger
  }
}
