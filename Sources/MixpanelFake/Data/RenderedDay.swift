import NIOCore

/// One day's JSONL body, rendered once, with a per-line index so filters never reparse JSON.
struct RenderedDay: Sendable {
  let day: FakeDay
  /// All lines of the day, each `\n`-terminated.
  let buffer: ByteBuffer
  /// Exclusive end offset of each line (including its `\n`).
  let lineEnds: [Int]
  /// Index into `EventGenerator.eventNames` for each line.
  let nameIndexes: [UInt8]

  var lineCount: Int { self.lineEnds.count }

  func lineStart(_ line: Int) -> Int {
    line == 0 ? 0 : self.lineEnds[line - 1]
  }

  /// Zero-copy slice holding lines `range`.
  func slice(lines range: Range<Int>) -> ByteBuffer {
    let start = self.lineStart(range.lowerBound)
    let end = range.isEmpty ? start : self.lineEnds[range.upperBound - 1]
    return self.buffer.getSlice(at: self.buffer.readerIndex + start, length: end - start)!
  }
}
