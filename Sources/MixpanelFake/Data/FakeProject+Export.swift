import Foundation

extension FakeProject {
  /// The JSONL body of one day exactly as served at the current `now` (no filter), e.g. for
  /// tests and benchmarks.
  public func dayBody(_ day: FakeDay, timeInMs: Bool = false) -> [UInt8] {
    self.exportBody(from: day, to: day, timeInMs: timeInMs)
  }

  /// The complete export body for a request at the current `now`, concatenated (convenient
  /// for tests).
  public func exportBody(
    from: FakeDay, to: FakeDay, events: Set<String>? = nil, limit: Int? = nil, timeInMs: Bool = false
  ) -> [UInt8] {
    var out: [UInt8] = []
    let body = self.export(
      from: from, to: to, events: events, limit: limit, timeInMs: timeInMs, nowMs: self.nowMs)
    for buffer in body.buffers {
      out.append(contentsOf: buffer.readableBytesView)
    }
    return out
  }

  /// Builds the export body from cached day bodies (renders missing days; call off the event
  /// loop). Lines processed after `nowMs` are left out.
  func export(
    from: FakeDay, to: FakeDay, events: Set<String>?, limit: Int?, timeInMs: Bool, nowMs: Int64?,
    filter: ExportFilter? = nil
  ) -> ExportBody {
    var body = ExportBody()
    guard from <= to else { return body }
    let wanted: [Bool]? = events.map { names in EventGenerator.eventNames.map { names.contains($0) } }
    var remaining = limit ?? Int.max
    for day in from...to where remaining > 0 {
      guard let rendered = self.rendered(day, timeInMs: timeInMs) else { continue }
      let cutoff = nowMs.flatMap { $0 >= rendered.latestProcessingTimeMs ? nil : $0 }
      guard wanted != nil || cutoff != nil || filter != nil else {
        let take = min(remaining, rendered.lineCount)
        body.append(rendered, lines: 0..<take)
        remaining -= take
        continue
      }
      func served(_ line: Int) -> Bool {
        if let wanted, !wanted[Int(rendered.nameIndexes[line])] { return false }
        if let cutoff, rendered.processingTimesMs[line] > cutoff { return false }
        if let filter {
          let bytes = rendered.slice(lines: line..<line + 1)
          guard
            let event = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))
              as? [String: Any]
          else { return false }
          return filter.matches(event)
        }
        return true
      }
      var line = 0
      while line < rendered.lineCount, remaining > 0 {
        guard served(line) else {
          line += 1
          continue
        }
        var end = line + 1
        while end < rendered.lineCount, end - line < remaining, served(end) {
          end += 1
        }
        body.append(rendered, lines: line..<end)
        remaining -= end - line
        line = end
      }
    }
    return body
  }
}
