import ArgumentParser
import Foundation
import MixpanelLake

/// What `mixpanel-lake tap`, `mixpanel-lake discover` and `tap-mixpanel-lake` run once their
/// flags are parsed: discover or sync to stdout, then a failure as one `error:` line on stderr
/// and the documented exit code (1 the sync failed, 2 usage, config, catalog or state, 3 auth
/// or permission, 4 local I/O, 130 a signal).
public enum SingerTapCommand {
  public static func run(
    configPath: String, catalogPath: String?, statePath: String?, discover: Bool
  ) async throws {
    // SIGINT/SIGTERM (Meltano's `config test` stops the tap at its first record) cancel the
    // sync, which removes its spool and temporary files before the exit.
    let outcome = await SignalWatcher.run {
      try await SingerCommandLine.run(
        configPath: configPath, catalogPath: catalogPath, statePath: statePath, discover: discover,
        logger: CLILogging.tapLogger())
    }
    switch outcome {
    case .finished: return
    case .failed(let error): throw ExitStatus.fail(error)
    case .signal(let number):
      ExitStatus.printError("interrupted by signal \(number); the STATE messages already sent stay valid")
      throw ExitCode(SignalWatcher.exitStatus(number))
    }
  }
}
