import AsyncHTTPClient
import CalendarDay
import Foundation
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
  /// Bytes read ahead of the parser per window (bounded, so back-pressure still reaches TCP).
  static let readAheadBytes = 1 << 20

  let client: MixpanelClient
  let config: LakeConfig
  let runID: String
  let runToken: String
  let logger: Logger
  let now: @Sendable () -> Int64
  let progress: ExportProgress
  /// Shared by the run's windows: how many parse and compress at once.
  let slots: ProcessingSlots

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
      let router = LineRouter(
        writer: writer, timeInMilliseconds: config.timeInMilliseconds, flat: config.recordFormat == .flat,
        dedupe: config.dedupe,
        legacyZone: config.legacyProjectTimezone ? TimeZone(identifier: config.projectTimezone) : nil,
        columns: config.exportColumns)
      try await client.export(request) { body in
        var framer = LineFramer()
        let readAhead = ReadAheadBuffer(limitBytes: Self.readAheadBytes)
        try await withThrowingTaskGroup(of: Void.self) { group in
          // The reader drains the socket while this task parses and compresses.
          group.addTask {
            do {
              for try await chunk in body { try await readAhead.send(chunk) }
              readAhead.finish(nil)
            } catch {
              readAhead.finish(error)
            }
          }
          do {
            // Parse and compress only while holding a processing slot; give it up while waiting
            // for the network (see ProcessingSlots).
            var holding = false
            defer { if holding { slots.release() } }
            reading: while true {
              let next: ByteBuffer
              switch try readAhead.poll() {
              case .chunk(let chunk):
                next = chunk
              case .ended:
                break reading
              case .empty:
                if holding {
                  slots.release()
                  holding = false
                }
                guard let chunk = try await readAhead.next() else { break reading }
                next = chunk
              }
              if !holding {
                try await slots.acquire()
                holding = true
              }
              let before = router.lines
              try next.withUnsafeReadableBytes { raw in try framer.feed(raw) { try router.route($0) } }
              progress.add(bytes: next.readableBytes)
              progress.add(lines: router.lines - before)
            }
          } catch let error as WindowError {
            throw error
          } catch let error as NDJSONError {
            throw WindowError.invalidBody(window, line: router.lines + 1, detail: "\(error)")
          } catch let error as LakeError {
            throw error
          } catch {
            if Task.isCancelled { throw CancellationError() }
            throw WindowError.bodyCut(
              window, bytes: framer.bytesConsumed, detail: "\(error)",
              idle: (error as? HTTPClientError) == .readTimeout)
          }
          try framer.finish { try router.route($0) }
        }
      }
      // Finishing the parts and the commit block on fsync: run them on NIO's blocking-I/O pool,
      // so the cooperative threads parse and compress other windows meanwhile. The writer is
      // handed over whole; nothing else touches it until the commit returns.
      let handoff = Handoff(writer)
      let committedAt = now()
      var summary = try await BlockingIO.run { try handoff.value.commit(committedAt: committedAt) }
      summary.duplicatesDropped = router.duplicatesDropped
      progress.windowCommitted()
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
