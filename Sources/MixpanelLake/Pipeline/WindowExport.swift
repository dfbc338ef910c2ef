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
struct WindowExport: Sendable {
  /// Bytes read ahead of the parser per window (bounded, so back-pressure still reaches TCP):
  /// 1 MiB with few windows in flight; with many, a third of `memory_budget_mb` shared among
  /// them, at least 128 KiB each (100 windows and the default 48 MiB: 160 KiB each, 16 MiB in
  /// all). Many windows keep both cores busy without a deep buffer each.
  static func readAheadBytes(_ config: LakeConfig) -> Int {
    let shared = config.partMemory.budget / 3 / max(1, config.maxConcurrentWindows)
    return min(1 << 20, max(128 << 10, shared))
  }
  /// A response that delivers fewer bytes than this in `request_timeout` seconds is stalled
  /// (curl's `--speed-limit`/`--speed-time`): one byte every few seconds never trips an idle
  /// timer, and would hold the window for ever.
  static let stallBytes = 1024

  let client: MixpanelClient
  let config: LakeConfig
  let runID: String
  let logger: Logger
  let now: @Sendable () -> Int64
  let progress: ExportProgress
  /// Shared by the run's windows: how many parse and compress at once.
  let slots: ProcessingSlots
  /// Confirms days an answer leaves empty before their rows are replaced; nil where nothing
  /// committed can be lost (tap mode's fresh spool).
  var emptyDays: EmptyDayGuard? = nil

  func fetch(_ window: DayWindow, stream: String) async throws -> WindowCommitSummary {
    progress.windowStarted()
    defer { progress.windowEnded() }
    let writer = WindowWriter(
      lakeRoot: config.lake, stream: stream,
      window: ManifestWindow(
        id: "\(window.compactName)-\(runID)", fromDate: "\(window.from)", toDate: "\(window.to)"),
      days: window.days, runID: runID, settings: config.writerSettings)
    let request = ExportRequest(
      fromDate: window.from, toDate: window.to, events: config.exportEvents,
      whereExpression: config.exportWhere, timeInMilliseconds: config.timeInMilliseconds)
    do {
      let router = LineRouter(
        writer: writer, timeInMilliseconds: config.timeInMilliseconds, flat: config.recordFormat == .flat,
        dedupe: config.dedupe,
        legacyZone: config.legacyProjectTimezone ? config.projectZone : nil,
        columns: config.exportColumns,
        quarantine: config.quarantineMalformedLines ? { [scrubber] in scrubber.scrub($0) } : nil)
      // What the connection moved: from the request to the answer's last byte (the empty-day
      // check, the schema and the commit come after; parsing keeps pace with the body, so a
      // machine that cannot keep up shows here too).
      let requested = ContinuousClock.now
      try await client.export(request) { body in try await consume(body, window: window, router: router) }
      let transfer = ContinuousClock.now - requested
      try await emptyDays?.check(window, newRows: writer.rowsPerDay, stream: stream)
      // The schema first: once the partitions are visible, it already has their columns.
      let columns = config.exportColumns
      let schema = StreamSchema(
        flat: config.recordFormat == .flat, tally: router.tally,
        keep: columns.map { columns in { name in Array(name.utf8).withUnsafeBytes { columns.keeps($0) } } })
      let (schemas, lake, injector) = (config.schemas, config.lake, config.failureInjector)
      try await BlockingIO.run {
        try schemas.merge(schema, lake: lake, stream: stream, failureInjector: injector)
      }
      // Finishing the parts and the commit block on fsync: run them on NIO's blocking-I/O pool,
      // so the cooperative threads parse and compress other windows meanwhile. The writer is
      // handed over whole; nothing else touches it until the commit returns.
      let handoff = Handoff(writer)
      let committedAt = now()
      var summary = try await BlockingIO.run { try handoff.value.commit(committedAt: committedAt) }
      summary.duplicatesDropped = router.duplicatesDropped
      summary.seconds = transfer.inSeconds
      progress.windowCommitted()
      if summary.quarantinedLines > 0 {
        logger.warning(
          "window.lines_quarantined",
          metadata: [
            "window": "\(window)", "lines": "\(summary.quarantinedLines)",
            "where": "\(config.lake)/\(LakeLayout.quarantine(stream: stream, requestedDay: window.from))",
          ])
      }
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
    } catch let error as WindowError {
      writer.discard()
      throw error.mapMessage(scrubber.scrub)
    } catch {
      writer.discard()
      throw error
    }
  }

  private var scrubber: SecretScrubber { config.credentials.scrubber }

  /// Reads `body` to its end through the read-ahead buffer into `router`, beside the stall
  /// watchdog; throws ``WindowError`` for a broken, cut or stalled body.
  private func consume(_ body: HTTPClientResponse.Body, window: DayWindow, router: LineRouter) async throws {
    var framer = LineFramer()
    let readAhead = ReadAheadBuffer(limitBytes: Self.readAheadBytes(config))
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
      let interval = config.requestTimeoutSeconds
      group.addTask { await Self.watchForStalls(readAhead, window: window, interval: interval) }
      do {
        try await parse(readAhead, framer: &framer, router: router)
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
      router.mayQuarantine = false  // what finish() hands over lacks its newline
      try framer.finish { try router.route($0) }
      group.cancelAll()  // the watchdog
    }
  }

  /// Frames, validates and routes every chunk, holding a processing slot only while parsing and
  /// compressing and giving it up while waiting for the network (see ProcessingSlots).
  private func parse(_ readAhead: ReadAheadBuffer, framer: inout LineFramer, router: LineRouter) async throws
  {
    var holding = false
    defer { if holding { slots.release() } }
    while true {
      let next: ByteBuffer
      switch try readAhead.poll() {
      case .chunk(let chunk):
        next = chunk
      case .ended:
        return
      case .empty:
        if holding {
          slots.release()
          holding = false
        }
        guard let chunk = try await readAhead.next() else { return }
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
  }

  /// The stall watchdog, on the real clock (the network's time, whatever clock retries sleep
  /// on): every `interval` seconds, fewer than ``stallBytes`` new bytes while the parser waits
  /// for the network ends the body with a stall error. Returns when cancelled.
  private static func watchForStalls(_ readAhead: ReadAheadBuffer, window: DayWindow, interval: Int) async {
    var last = 0
    while true {
      do { try await ContinuousClock().sleep(for: .seconds(interval)) } catch { return }
      let flow = readAhead.flow
      if !flow.parserBehind, flow.receivedBytes - last < stallBytes {
        readAhead.finish(
          WindowError.stalled(window, bytes: flow.receivedBytes, minimum: stallBytes, seconds: interval))
        return
      }
      last = flow.receivedBytes
    }
  }
}
