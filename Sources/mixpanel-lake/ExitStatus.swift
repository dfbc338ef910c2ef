import ArgumentParser
import Foundation
import Lake
import MixpanelAPI
import MixpanelLake

/// The documented exit codes, and the one-line `error:` message for each failure.
enum ExitStatus {
  static let windowsFailed: Int32 = 1
  static let usage: Int32 = 2
  static let auth: Int32 = 3
  static let localIO: Int32 = 4

  static func code(for error: any Error) -> Int32 {
    switch error {
    case is ConfigError: return usage
    case let error as MixpanelAPIError: return error.isAuthProblem ? auth : windowsFailed
    case is LakeError: return localIO
    default: return windowsFailed
    }
  }

  /// Prints `error: …` on one line to stderr and returns the exit code to end with.
  static func fail(_ error: any Error) -> ExitCode {
    let line = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    return ExitCode(code(for: error))
  }
}
