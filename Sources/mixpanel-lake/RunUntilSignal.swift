import ArgumentParser
import CommandLineSupport
import Logging
import MixpanelLake

extension ExportCommand {
  /// Runs `run` beside the signal watcher (SIGINT/SIGTERM cancel it: in-flight windows discard
  /// their files) and, when asked, the progress reporter.
  static func runUntilSignal(
    _ run: @escaping @Sendable () async throws -> LakeExportSummary, logger: Logger,
    progress: (ExportProgress, windows: Int, interval: Double)?, logFormat: LogFormat
  ) async throws -> LakeExportSummary {
    let outcome = await SignalWatcher.run(
      onSignal: { logger.warning("run.interrupted", metadata: ["signal": "\($0)"]) },
      {
        guard let (counters, windows, interval) = progress else { return try await run() }
        return try await withThrowingTaskGroup(of: LakeExportSummary?.self) { group in
          group.addTask {
            await ProgressReporter.run(progress: counters, windows: windows, interval: interval)
            return nil
          }
          let summary = try await run()
          group.cancelAll()  // the reporter
          return summary
        }
      })
    switch outcome {
    case .finished(let summary): return summary
    case .failed(let error): throw error
    case .signal(let number):
      ExitStatus.printError(
        "interrupted by signal \(number); committed windows are kept, run again to continue",
        format: logFormat)
      throw ExitCode(SignalWatcher.exitStatus(number))
    }
  }
}
