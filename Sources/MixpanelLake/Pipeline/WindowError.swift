import CalendarDay
import Lake
import MixpanelAPI

/// Why a window was not committed; the message names the window.
public struct WindowError: Error, CustomStringConvertible, Sendable {
  public enum Kind: Sendable {
    /// A line that is not a JSON object.
    case invalidLine
    /// A non-JSON line with Mixpanel's `terminated early` marker (mixpanel-api.md §4.6).
    case terminatedEarly
    /// The body ended before its end (connection closed or reset, bad chunking).
    case bodyCut
    /// No byte arrived for `request_timeout` seconds.
    case idleTimeout
    /// Bytes trickled in, but fewer than ``WindowExport/stallBytes`` in `request_timeout` seconds.
    case stalled
    /// A day the body left empty holds rows in the lake, and Mixpanel's own count for it is not
    /// zero (or could not be had): the empty answer is not believed.
    case unconfirmedEmptyDay
  }
  public let kind: Kind
  public let message: String

  public var description: String { message }

  static func invalidLine(
    _ window: ManifestWindow, line: Int, detail: String, preview: String, terminatedEarly: Bool
  ) -> WindowError {
    WindowError(
      kind: terminatedEarly ? .terminatedEarly : .invalidLine,
      message:
        "export \(window.fromDate)..\(window.toDate): line \(line) is not a complete JSON event (\(detail)): \"\(preview)\"; the window was not committed, run again to retry it"
    )
  }

  /// A JSON object that is not an event (no string `event` or no object `properties`).
  static func notAnEvent(_ window: ManifestWindow, line: Int, serverError: String?, preview: String)
    -> WindowError
  {
    let what =
      if let serverError {
        "Mixpanel (or a proxy) answered 200 with an error: \"\(serverError)\""
      } else {
        "a JSON object without a string 'event' and an object 'properties': \"\(preview)\""
      }
    return WindowError(
      kind: .invalidLine,
      message:
        "export \(window.fromDate)..\(window.toDate): line \(line) is not an event (\(what)); the window was not committed, its days keep what they held"
    )
  }

  /// The same error with its message passed through `transform` (secret scrubbing).
  func mapMessage(_ transform: (String) -> String) -> WindowError {
    WindowError(kind: kind, message: transform(message))
  }

  static func invalidBody(_ window: DayWindow, line: Int?, detail: String) -> WindowError {
    let at = line.map { " at line \($0)" } ?? ""
    return WindowError(
      kind: .invalidLine,
      message: "export \(window): the body is not valid NDJSON\(at) (\(detail)); the window was not committed"
    )
  }

  static func stalled(_ window: DayWindow, bytes: Int, minimum: Int, seconds: Int) -> WindowError {
    WindowError(
      kind: .stalled,
      message:
        "export \(window): the response stalled after \(bytes) bytes (less than \(minimum) bytes in \(seconds) s, request_timeout); the window was not committed"
    )
  }

  static func unconfirmedEmptyDay(_ window: DayWindow, days: [Day], oldRows: [Int], reason: String)
    -> WindowError
  {
    let list = zip(days, oldRows).map { "\($0) (\($1) rows)" }.joined(separator: ", ")
    return WindowError(
      kind: .unconfirmedEmptyDay,
      message:
        "export \(window): Mixpanel answered with no events for \(list), which the lake holds rows for, and \(reason); those days were kept as they were and the window was not committed"
    )
  }

  static func bodyCut(_ window: DayWindow, bytes: Int, detail: String, idle: Bool) -> WindowError {
    WindowError(
      kind: idle ? .idleTimeout : .bodyCut,
      message:
        "export \(window): the response was cut after \(bytes) bytes (\(detail)); the window was not committed, run again to retry it"
    )
  }
}
