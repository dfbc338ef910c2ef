import ArgumentParser
import Logging

enum CLILogging {
  static func logger(quiet: Bool, format: LogFormat = .text) -> Logger {
    var logger = Logger(label: "mixpanel-lake") { label in
      switch format {
      case .text: return StreamLogHandler.standardError(label: label)
      case .json: return JSONLogHandler(label: label)
      }
    }
    logger.logLevel = quiet ? .warning : .info
    return logger
  }

  /// Singer mode's logger: stderr only (stdout carries the messages), labelled as the tap.
  static func tapLogger() -> Logger {
    var logger = Logger(label: "tap-mixpanel-lake") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .info
    return logger
  }
}

enum LogFormat: String, ExpressibleByArgument, Sendable {
  case text, json
}
