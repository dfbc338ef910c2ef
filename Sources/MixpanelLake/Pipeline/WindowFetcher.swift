import CalendarDay
import Lake
import Logging
import MixpanelAPI
import NDJSON
import NIOCore

/// Fetches one export window and commits it: HTTP body chunks → line framing → validation and
/// routing by `properties.time` → part files → commit. Any failure discards everything the
/// window wrote, so a window is committed whole or not at all.
///
/// Back-pressure is end to end: the next chunk is requested only after the previous one was
/// framed, validated and handed to the compressor, so a slow disk slows the HTTP body.
struct WindowFetcher: Sendable {
  let client: MixpanelClient
  let config: LakeConfig
  let runID: String
  let runToken: String
  let logger: Logger
  let now: @Sendable () -> Int64

  func fetch(_ window: DayWindow, stream: String) async throws -> WindowCommitSummary {
    let writer = WindowWriter(
      lakeRoot: config.lake, stream: stream,
      window: ManifestWindow(
        id: "\(window.compactName)-\(runToken)", fromDate: "\(window.from)", toDate: "\(window.to)"),
      days: window.days, runID: runID, settings: config.writerSettings)
    let request = ExportRequest(
      fromDate: window.from, toDate: window.to, events: config.exportEvents,
      whereExpression: config.exportWhere, timeInMilliseconds: config.timeInMilliseconds)
    do {
      let router = LineRouter(writer: writer, timeInMilliseconds: config.timeInMilliseconds)
      try await client.export(request) { body in
        var framer = LineFramer()
        do {
          for try await chunk in body {
            try chunk.withUnsafeReadableBytes { raw in try framer.feed(raw) { try router.route($0) } }
          }
        } catch let error as WindowError {
          throw error
        } catch let error as NDJSONError {
          throw WindowError.invalidBody(window, line: router.lines + 1, detail: "\(error)")
        } catch let error as LakeError {
          throw error
        } catch {
          throw WindowError.bodyCut(window, bytes: framer.bytesConsumed, detail: "\(error)")
        }
        try framer.finish { try router.route($0) }
      }
      let summary = try writer.commit(committedAt: now())
      logger.info(
        "window.committed",
        metadata: [
          "window": "\(window)", "rows": "\(summary.rows)", "files": "\(summary.files)",
          "bytes": "\(summary.storedBytes)",
        ])
      return summary
    } catch let error as NDJSONError {
      writer.discard()
      throw WindowError.invalidBody(window, line: nil, detail: "\(error)")
    } catch {
      writer.discard()
      throw error
    }
  }
}

/// Validates each line and hands it to the writer under the day its `properties.time` falls in.
final class LineRouter {
  private let writer: WindowWriter
  private let timeDivisor: Int64
  private(set) var lines = 0

  init(writer: WindowWriter, timeInMilliseconds: Bool) {
    self.writer = writer
    self.timeDivisor = timeInMilliseconds ? 1000 : 1
  }

  func route(_ line: UnsafeRawBufferPointer) throws {
    let fields: EventFields
    do {
      fields = try JSONLineScanner.scan(line)
    } catch {
      throw WindowError.invalidLine(
        writer.window, line: lines + 1, detail: "\(error)", preview: Self.preview(line))
    }
    lines += 1
    guard let raw = fields.time else {
      // No usable time: keep the line (never drop), outside every day partition.
      try writer.append(line, day: writer.days.lowerBound.adding(days: -1_000_000), time: nil)
      return
    }
    let seconds = raw >= 0 ? raw / timeDivisor : (raw - timeDivisor + 1) / timeDivisor
    try writer.append(line, day: Day(epochSeconds: seconds), time: seconds)
  }

  /// The start of a bad line, for the error message (Mixpanel's `terminated early` shows here).
  static func preview(_ line: UnsafeRawBufferPointer) -> String {
    let text = String(decoding: line.prefix(60), as: UTF8.self)
    return line.count > 60 ? text + "…" : text
  }
}
