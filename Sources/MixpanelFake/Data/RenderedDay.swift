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
  /// `mp_processing_time_ms` of each line: a line is served once the project's `now` reaches it.
  let processingTimesMs: [Int64]
  /// Lines at or after this index repeat earlier lines (exact duplicates).
  let uniqueLineCount: Int
  /// The latest processing time of the day; a `now` at or after it serves every line.
  let latestProcessingTimeMs: Int64

  init(
    day: FakeDay, buffer: ByteBuffer, lineEnds: [Int], nameIndexes: [UInt8], processingTimesMs: [Int64],
    uniqueLineCount: Int
  ) {
    self.day = day
    self.buffer = buffer
    self.lineEnds = lineEnds
    self.nameIndexes = nameIndexes
    self.processingTimesMs = processingTimesMs
    self.uniqueLineCount = uniqueLineCount
    self.latestProcessingTimeMs = processingTimesMs.max() ?? .min
  }

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
