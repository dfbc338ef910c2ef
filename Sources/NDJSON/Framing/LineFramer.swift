import Glibc

/// Frames newline-delimited records out of a stream of byte chunks.
///
/// A line may span any number of chunks. Lines end at `\n`; a `\r` before it is dropped; empty
/// lines are skipped; a last line without a newline is delivered by ``finish(_:)``.
///
/// ```
///   chunk 1            chunk 2          chunk 3
/// ┌────────────────┬──────────────┬───────────────┐
/// │{"a":1}\n{"b":  │2}\r\n\n{"c":3│}              │   ──►  {"a":1}  {"b":2}  {"c":3}
/// └────────────────┴──────────────┴───────────────┘
/// ```
///
/// Complete lines inside a chunk are handed out as views into that chunk (no copy); only a line
/// that crosses a chunk boundary is copied into the carry buffer, whose size is bounded by
/// `maxLineBytes`.
public struct LineFramer: Sendable {
  /// The longest line accepted; a longer one throws ``NDJSONError/lineTooLong(limit:)``.
  public let maxLineBytes: Int
  private var carry: [UInt8] = []
  /// Bytes handed in so far, for error messages.
  public private(set) var bytesConsumed: Int = 0

  public init(maxLineBytes: Int = 64 << 20) {
    self.maxLineBytes = maxLineBytes
  }

  /// True when part of a line is waiting for more bytes.
  public var hasPartialLine: Bool { !carry.isEmpty }

  /// Feeds one chunk, calling `onLine` for every line completed by it.
  public mutating func feed(
    _ chunk: UnsafeRawBufferPointer, _ onLine: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    guard let base = chunk.baseAddress, chunk.count > 0 else { return }
    bytesConsumed += chunk.count
    var start = 0
    let end = chunk.count
    if !carry.isEmpty {
      guard let newline = Self.firstNewline(base, from: 0, to: end) else {
        try appendToCarry(UnsafeRawBufferPointer(rebasing: chunk[0..<end]))
        return
      }
      try appendToCarry(UnsafeRawBufferPointer(rebasing: chunk[0..<newline]))
      try carry.withUnsafeBytes { try Self.emit($0, onLine) }
      carry.removeAll(keepingCapacity: true)
      start = newline + 1
    }
    while start < end {
      guard let newline = Self.firstNewline(base, from: start, to: end) else {
        try appendToCarry(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
        return
      }
      try Self.emit(UnsafeRawBufferPointer(rebasing: chunk[start..<newline]), onLine)
      start = newline + 1
    }
  }

  /// Feeds one chunk given as an array.
  public mutating func feed(_ chunk: [UInt8], _ onLine: (UnsafeRawBufferPointer) throws -> Void) throws {
    try chunk.withUnsafeBytes { try feed($0, onLine) }
  }

  /// Ends the stream: delivers a last line that had no newline.
  public mutating func finish(_ onLine: (UnsafeRawBufferPointer) throws -> Void) throws {
    guard !carry.isEmpty else { return }
    defer { carry.removeAll(keepingCapacity: false) }
    try carry.withUnsafeBytes { try Self.emit($0, onLine) }
  }

  private mutating func appendToCarry(_ bytes: UnsafeRawBufferPointer) throws {
    guard carry.count + bytes.count <= maxLineBytes else {
      throw NDJSONError.lineTooLong(limit: maxLineBytes)
    }
    carry.append(contentsOf: bytes)
  }

  @inline(__always)
  private static func firstNewline(_ base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
    guard let hit = memchr(base + from, 0x0A, to - from) else { return nil }
    return UnsafeRawPointer(hit) - base
  }

  @inline(__always)
  private static func emit(
    _ line: UnsafeRawBufferPointer, _ onLine: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    var count = line.count
    if count > 0, line[count - 1] == 0x0D { count -= 1 }
    guard count > 0 else { return }
    try onLine(UnsafeRawBufferPointer(rebasing: line[0..<count]))
  }
}
