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

  /// Prints `error: …` on one line to stderr (a JSON object with `--log-format json`) and returns
  /// the exit code to end with.
  static func fail(_ error: any Error, format: LogFormat = .text) -> ExitCode {
    printError("\(error)", format: format)
    return ExitCode(code(for: error))
  }

  /// One final error on stderr: `error: …` on one line, control characters escaped, or with
  /// `--log-format json` one JSON object like the log lines (`"level":"error"`).
  static func printError(_ message: String, format: LogFormat = .text) {
    let line = ServerText.escapingControls(
      message.split(whereSeparator: \.isNewline).joined(separator: " "))
    switch format {
    case .text:
      FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    case .json:
      let fields: [String: Any] = [
        "ts": ISO8601DateFormatter().string(from: Date()), "level": "error", "label": "mixpanel-lake",
        "message": line,
      ]
      guard var data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else {
        return
      }
      data.append(0x0A)
      FileHandle.standardError.write(data)
    }
  }
}
