public import ArgumentParser
import Foundation
import Lake
import MixpanelAPI
import MixpanelLake

/// The documented exit codes, and the one-line `error:` message for each failure.
public enum ExitStatus {
  public static let windowsFailed: Int32 = 1
  public static let usage: Int32 = 2
  public static let auth: Int32 = 3
  public static let localIO: Int32 = 4
  public static let interrupted: Int32 = 130

  public static func code(for error: any Error) -> Int32 {
    switch error {
    case is ConfigError, is SingerError: return usage
    case let error as MixpanelAPIError where error.kind == .plainHTTPServer: return usage
    case let error as MixpanelAPIError: return error.isAuthProblem ? auth : windowsFailed
    case is LakeError: return localIO
    case is CancellationError: return interrupted
    default: return windowsFailed
    }
  }

  /// Prints `error: …` on one line to stderr (a JSON object with `--log-format json`) and returns
  /// the exit code to end with.
  public static func fail(_ error: any Error, format: LogFormat = .text) -> ExitCode {
    printError("\(error)", format: format)
    return ExitCode(code(for: error))
  }

  /// One final error on stderr: `error: …` on one line, control characters escaped, or with
  /// `--log-format json` one JSON object like the log lines (`"level":"error"`).
  public static func printError(_ message: String, format: LogFormat = .text) {
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
