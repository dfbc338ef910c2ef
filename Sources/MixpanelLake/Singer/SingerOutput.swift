import Glibc
import Lake

/// Where Singer messages go: stdout (or any file descriptor) through a 256 KiB buffer, or
/// memory for tests. Flushed after every STATE message, so a target sees a state only after
/// every record it covers. Used by one task at a time.
public final class SingerOutput {
  private let fileDescriptor: Int32?
  private var buffer: [UInt8] = []
  /// Everything written, when writing to memory.
  public private(set) var captured: [UInt8] = []
  /// Messages written so far, by type.
  public private(set) var records = 0
  public private(set) var states = 0
  public private(set) var schemas = 0

  static let flushBytes = 256 << 10

  /// Writes to `fileDescriptor` (1: stdout).
  public init(fileDescriptor: Int32 = 1) {
    self.fileDescriptor = fileDescriptor
    buffer.reserveCapacity(Self.flushBytes + (64 << 10))
  }

  /// Keeps every message in ``captured``.
  public init(capturing: Void) {
    self.fileDescriptor = nil
  }

  func record(_ build: (inout [UInt8]) -> Void) throws {
    build(&buffer)
    records += 1
    if buffer.count >= Self.flushBytes { try flush() }
  }

  func schema(_ message: [UInt8]) throws {
    buffer.append(contentsOf: message)
    schemas += 1
  }

  func state(_ message: [UInt8]) throws {
    buffer.append(contentsOf: message)
    states += 1
    try flush()
  }

  /// Writes out what is buffered.
  public func flush() throws {
    guard !buffer.isEmpty else { return }
    defer { buffer.removeAll(keepingCapacity: true) }
    guard let fileDescriptor else {
      captured.append(contentsOf: buffer)
      return
    }
    try buffer.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw LakeError.io("write Singer messages to", path: "stdout", errno: errno)
        }
        offset += written
      }
    }
  }
}
