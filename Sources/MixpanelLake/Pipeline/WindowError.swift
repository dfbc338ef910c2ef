import Lake

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

  static func invalidBody(_ window: DayWindow, line: Int?, detail: String) -> WindowError {
    let at = line.map { " at line \($0)" } ?? ""
    return WindowError(
      kind: .invalidLine,
      message: "export \(window): the body is not valid NDJSON\(at) (\(detail)); the window was not committed"
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
