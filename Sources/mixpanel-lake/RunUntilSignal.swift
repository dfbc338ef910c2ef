import ArgumentParser
import CommandLineSupport
import Glibc
import Logging
import MixpanelLake

extension ExportCommand {
  /// Runs `run` beside the signal watcher (SIGINT/SIGTERM cancel it: in-flight windows discard
  /// their files) and, when asked, the progress reporter.
  static func runUntilSignal(
    _ run: @escaping @Sendable () async throws -> LakeExportSummary, logger: Logger,
    progress: (ExportProgress, windows: Int, interval: Double)?, logFormat: LogFormat
  ) async throws -> LakeExportSummary {
    let ending = await withTaskGroup(of: Ending.self) { group in
      group.addTask {
        do {
          return .finished(try await run())
        } catch {
          return .failed(error)
        }
      }
      group.addTask {
        await SignalWatcher.first(of: [SIGINT, SIGTERM]).map(Ending.signal) ?? .watcherStopped
      }
      if let (counters, windows, interval) = progress {
        group.addTask {
          await ProgressReporter.run(progress: counters, windows: windows, interval: interval)
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
    switch ending {
    case .finished(let summary): return summary
    case .failed(let error): throw error
    case .signal(let number):
      ExitStatus.printError(
        "interrupted by signal \(number); committed windows are kept, run again to continue",
        format: logFormat)
      throw ExitCode(SignalWatcher.exitStatus(number))
    case .watcherStopped: throw ExitCode(1)
    }
  }
}

enum Ending: Sendable {
  case finished(LakeExportSummary)
  case failed(any Error)
  case signal(Int32)
  case watcherStopped
}
