/// Why a line or a stream of lines is not valid newline-delimited JSON.
public enum NDJSONError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A line longer than the framer's limit.
  case lineTooLong(limit: Int)
  /// A line that is not one complete JSON value; `offset` is the byte where it went wrong.
  case invalidJSON(offset: Int, reason: String)

  public var description: String {
    switch self {
    case .lineTooLong(let limit):
      return "a line is longer than \(limit) bytes"
    case .invalidJSON(let offset, let reason):
      return "invalid JSON at byte \(offset): \(reason)"
    }
  }
}
