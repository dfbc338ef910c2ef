import NIOCore

/// The body of one export response: runs of consecutive lines taken from rendered days.
struct ExportBody: Sendable {
  struct Run: Sendable {
    let day: RenderedDay
    let lines: Range<Int>
    var buffer: ByteBuffer { self.day.slice(lines: self.lines) }
  }

  private(set) var runs: [Run] = []
  private(set) var lineCount = 0
  private(set) var byteCount = 0

  mutating func append(_ day: RenderedDay, lines: Range<Int>) {
    guard !lines.isEmpty else { return }
    if let last = self.runs.last, last.day.day == day.day, last.lines.upperBound == lines.lowerBound {
      self.runs[self.runs.count - 1] = Run(day: day, lines: last.lines.lowerBound..<lines.upperBound)
    } else {
      self.runs.append(Run(day: day, lines: lines))
    }
    self.lineCount += lines.count
    self.byteCount += day.lineEnds[lines.upperBound - 1] - day.lineStart(lines.lowerBound)
  }

  /// All bytes as zero-copy slices.
  var buffers: [ByteBuffer] { self.runs.map(\.buffer) }

  /// The first `count` whole lines, as slices.
  func prefix(lines count: Int) -> [ByteBuffer] {
    var remaining = count
    var out: [ByteBuffer] = []
    for run in self.runs where remaining > 0 {
      let take = min(remaining, run.lines.count)
      out.append(run.day.slice(lines: run.lines.lowerBound..<run.lines.lowerBound + take))
      remaining -= take
    }
    return out
  }

  /// Lines from index `start` (inclusive) to the end, as slices.
  func suffix(fromLine start: Int) -> [ByteBuffer] {
    var skip = start
    var out: [ByteBuffer] = []
    for run in self.runs {
      if skip >= run.lines.count {
        skip -= run.lines.count
        continue
      }
      out.append(run.day.slice(lines: run.lines.lowerBound + skip..<run.lines.upperBound))
      skip = 0
    }
    return out
  }

  /// Line `index` (0-based) including its `\n`.
  func line(_ index: Int) -> ByteBuffer? {
    var skip = index
    for run in self.runs {
      if skip < run.lines.count {
        let line = run.lines.lowerBound + skip
        return run.day.slice(lines: line..<line + 1)
      }
      skip -= run.lines.count
    }
    return nil
  }
}
