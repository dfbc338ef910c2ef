/// A failure while compressing or decompressing a stream, with a one-line message.
public struct CompressionError: Error, CustomStringConvertible, Equatable, Sendable {
  public let message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}
