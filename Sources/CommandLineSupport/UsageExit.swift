public import ArgumentParser
import Foundation

extension AsyncParsableCommand {
  /// The entry point of both executables: argument-parser's `main()`, except that usage errors
  /// (an unknown flag, a missing or invalid value) exit with the documented code 2 instead of
  /// `EX_USAGE` (64), like a bad config does.
  public static func mainWithDocumentedExitCodes() async {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(ExitStatus.usage)
    }
  }
}
