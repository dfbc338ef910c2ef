import CalendarDay
import Foundation
import Lake
import Logging
import MixpanelAPI
import NDJSON

/// How ``QueryStreamsRun`` runs one full-table stream, and what the full-table streams of one
/// run share: the client, the limiter, the run's names, and the cohort list (fetched once when
/// both `cohorts` and `cohort_members` run). A stream that fails leaves the previous table.
struct FullTableContext<C: Clock>: Sendable where C.Duration == Duration {
  let client: MixpanelClient
  let caller: QueryCaller<C>
  let config: LakeConfig
  let logger: Logger
  let runID: String
  let snapshotDate: Day
  let now: @Sendable () -> Date
  var cohortList: [JSONNode]?
  /// The days annotations are asked for: nil in the lake (the whole table); tap mode asks for
  /// the sync's `start_date`…`end_date` (or today), as tap-mixpanel does.
  var annotationsRange: (from: Day, to: Day)?

  /// Passes over a stream that the server's engage session expired in the middle of.
  static var maximumRestarts: Int { 2 }

  /// Exports one stream; never throws for the stream's own failure (it is in the record), only
  /// for cancellation.
  mutating func run(_ stream: FullTableStream) async throws -> (record: FullTableRecord, error: (any Error)?)
  {
    var stats = CallStats()
    var restarts = 0
    // An engage pass an earlier run left part-way continues where it stopped.
    var resume = stream == .engage ? usableCheckpoint() : nil
    while true {
      let writer = makeWriter(stream, snapshotDate: resume.flatMap { Day($0.snapshotDate) } ?? snapshotDate)
      // Where the pass is; a resumed pass is at its checkpoint until it reads a page.
      var progress = resume.map(EngageProgress.init(checkpoint:))
      // The types of every row this pass commits, for `<stream>/_schema.json`.
      let tally = PropertyTypeTally(topLevel: true)
      writer.observer = { _ = try? JSONLineScanner.scan($0, tally: tally) }
      if let resume {
        writer.adopt(resume.files)
        // The pages an earlier run kept count too.
        for file in resume.files {
          _ = try? PartFileReader.read(path: writer.temporaryPath(of: file), compression: config.compression)
          {
            _ = try? JSONLineScanner.scan($0, tally: tally)
          }
        }
        logger.info(
          "engage.resumed", metadata: ["page": "\(resume.nextPage)", "files": "\(resume.files.count)"])
      }
      do {
        let duplicates = try await fill(
          writer, stream: stream, stats: &stats, resume: resume, progress: &progress)
        // The schema first: once the table is visible, it already has its columns.
        try config.schemas.merge(
          StreamSchema(tableTally: tally), lake: config.lake, stream: stream.name,
          failureInjector: config.failureInjector)
        let manifest = try writer.commit(committedAt: Int64(now().timeIntervalSince1970))
        if stream == .engage { EngageCheckpoint.remove(lake: config.lake) }
        logger.info(
          "table.committed",
          metadata: [
            "stream": "\(stream.name)", "rows": "\(manifest.rows)", "files": "\(manifest.files.count)",
            "bytes": "\(manifest.bytes)",
          ])
        return (
          FullTableRecord(
            stream: stream.name, status: .committed, partition: manifest.partition, rows: manifest.rows,
            files: manifest.files.count, bytes: manifest.bytes, uncompressedBytes: manifest.uncompressedBytes,
            requests: stats.calls, retries: stats.retries, duplicatesDropped: duplicates, message: nil),
          nil
        )
      } catch {
        if !(stream == .engage && keepForResume(writer, progress: progress, after: error)) {
          writer.discard()
          if resume != nil { EngageCheckpoint.remove(lake: config.lake) }
        }
        resume = nil
        if error is CancellationError || Task.isCancelled { throw CancellationError() }
        if Self.isExpiredSession(error), restarts < Self.maximumRestarts {
          restarts += 1
          logger.warning("table.restart", metadata: ["stream": "\(stream.name)", "error": "\(error)"])
          continue
        }
        let status = Self.status(after: error, in: stream)
        let record = FullTableRecord(
          stream: stream.name, status: status, partition: nil, rows: 0, files: 0, bytes: 0,
          uncompressedBytes: 0, requests: stats.calls, retries: stats.retries, duplicatesDropped: 0,
          message: status == .skipped
            ? "\(stream.name) skipped, the previous table stays: \(error)" : "\(stream.name): \(error)")
        if status == .skipped {
          logger.warning("table.skipped", metadata: ["stream": "\(stream.name)", "error": "\(error)"])
          return (record, nil)
        }
        logger.error("table.failed", metadata: ["stream": "\(stream.name)", "error": "\(error)"])
        return (record, error)
      }
    }
  }

  private func makeWriter(_ stream: FullTableStream, snapshotDate: Day) -> SnapshotWriter {
    SnapshotWriter(
      lakeRoot: config.lake, stream: stream.name, runID: runID, snapshotDate: snapshotDate,
      dated: config.snapshots, settings: config.writerSettings)
  }

  /// The engage checkpoint, when this run can continue it: rename mode, the same page size,
  /// codec and `snapshots` setting, and every kept file as it was written (size and SHA-256).
  /// Otherwise its files are deleted and it is removed: the pass starts from page 0.
  private func usableCheckpoint() -> EngageCheckpoint? {
    guard let checkpoint = EngageCheckpoint.read(lake: config.lake) else { return nil }
    let writer = makeWriter(.engage, snapshotDate: Day(checkpoint.snapshotDate) ?? snapshotDate)
    let fits =
      checkpoint.pageSize == config.engagePageSize
      && checkpoint.partition == writer.relativePath
      && checkpoint.files.allSatisfy { $0.path.hasSuffix(config.compression.fileExtension) }
    let intact =
      fits
      && checkpoint.files.allSatisfy { file in
        let facts = try? PartFileReader.read(
          path: writer.temporaryPath(of: file), compression: config.compression, onLine: nil)
        return facts?.sha256 == file.sha256 && facts?.bytes == file.bytes
      }
    if intact { return checkpoint }
    for file in checkpoint.files {
      try? FileSystem.remove(
        SnapshotWriter.keptPath(lakeRoot: config.lake, partition: checkpoint.partition, file: file))
    }
    EngageCheckpoint.remove(lake: config.lake)
    logger.warning(
      "engage.checkpoint_dropped", metadata: ["reason": "\(fits ? "files changed" : "settings changed")"])
    return nil
  }

  /// Keeps an engage pass that stopped part-way (an error after its retries, a signal) for the
  /// next run: its finished part files stay under their temporary names and a checkpoint says
  /// where to go on. Not before the first page, nor when going on cannot
  /// help: an expired session or a paging loop (the pass must start again), a malformed record.
  /// Returns whether it kept the pass.
  private func keepForResume(_ writer: SnapshotWriter, progress: EngageProgress?, after error: any Error)
    -> Bool
  {
    guard !Self.isExpiredSession(error), !(error is EngagePagingError),
      (error as? MixpanelAPIError)?.status != 200, let progress, progress.next.page > 0,
      let sessionID = progress.next.sessionID
    else { return false }
    var kept: [ManifestFile] = []
    do {
      kept = try writer.keepForResume()
      try EngageCheckpoint(
        sessionID: sessionID, nextPage: progress.next.page, pageSize: config.engagePageSize,
        rows: progress.rows, total: progress.total, snapshotDate: "\(writer.day)",
        partition: writer.relativePath, files: kept,
        savedAt: Timestamp.iso8601(Int64(now().timeIntervalSince1970))
      ).write(lake: config.lake)
    } catch {
      // Nothing to continue from: the pass starts over next time.
      for file in kept { try? FileSystem.remove(writer.temporaryPath(of: file)) }
      writer.discard()
      EngageCheckpoint.remove(lake: config.lake)
      return true
    }
    logger.warning(
      "engage.checkpointed",
      metadata: ["next_page": "\(progress.next.page)", "files": "\(kept.count)", "error": "\(error)"])
    return true
  }

  /// How a stream that threw `error` ends: a 402 on the engage endpoint (the plan has no API
  /// access) skips engage and cohort_members with a warning, as tap-mixpanel does; anything
  /// else fails the stream.
  static func status(after error: any Error, in stream: FullTableStream) -> FullTableRecord.Status {
    if stream.readsEngage, let http = error as? MixpanelAPIError, http.kind == .paymentRequired {
      return .skipped
    }
    return .failed
  }

  /// A 400 about the engage `session_id` (expired or unknown): the pass must start again.
  static func isExpiredSession(_ error: any Error) -> Bool {
    guard let http = error as? MixpanelAPIError, http.kind == .badRequest else { return false }
    return http.serverMessage.contains("session")
  }
}
