public import ArgumentParser
public import Logging

/// The executables' loggers: every log line goes to stderr (stdout carries summaries, or Singer
/// messages in tap mode).
public enum CLILogging {
  public static func logger(quiet: Bool, format: LogFormat = .text) -> Logger {
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
  public static func tapLogger() -> Logger {
    var logger = Logger(label: "tap-mixpanel-lake") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .info
    return logger
  }
}

public enum LogFormat: String, ExpressibleByArgument, Sendable {
  case text, json
}
