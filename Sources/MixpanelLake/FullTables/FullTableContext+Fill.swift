import Lake
import Logging
import MixpanelAPI

/// How far an engage pass got: the page to fetch next, the results read before it, and page
/// 0's `total`.
struct EngageProgress: Sendable, Equatable {
  var next: EngagePager.Position
  var rows: Int
  var total: Int?

  init(next: EngagePager.Position, rows: Int, total: Int?) {
    self.next = next
    self.rows = rows
    self.total = total
  }

  /// Where a checkpointed pass stopped.
  init(checkpoint: EngageCheckpoint) {
    self.init(
      next: EngagePager.Position(page: checkpoint.nextPage, sessionID: checkpoint.sessionID),
      rows: checkpoint.rows, total: checkpoint.total)
  }
}

extension FullTableContext {
  /// Fetches every record of `stream` into `writer`; returns how many duplicate keys it dropped.
  ///
  /// - Parameters:
  ///   - resume: an interrupted engage pass whose files `writer` adopted: continue at its page.
  ///   - progress: how far the engage pass got, kept current so that an interrupted pass can be
  ///     checkpointed.
  mutating func fill(
    _ writer: SnapshotWriter, stream: FullTableStream, stats: inout CallStats,
    resume: EngageCheckpoint? = nil, progress: inout EngageProgress?
  ) async throws -> Int {
    switch stream {
    case .engage:
      // Profiles the adopted files already hold are not written twice.
      var seen = try resume.map { try Self.distinctIDs(in: $0.files, of: writer) } ?? []
      var duplicates = 0
      let request = EngageRequest(pageSize: config.engagePageSize)
      let pager =
        resume.map {
          EngagePager(
            request: request, resumingAt: $0.nextPage, sessionID: $0.sessionID, rows: $0.rows, total: $0.total
          )
        } ?? EngagePager(request: request)
      try await engagePass(pager, stats: &stats, progress: &progress) { profile in
        guard let row = FullTableRow.engageProfile(profile) else {
          return try Self.badRecord("engage", profile)
        }
        guard seen.insert(row.distinctID).inserted else { return duplicates += 1 }
        try writer.append(row.line)
      }
      return duplicates
    case .cohorts:
      for cohort in try await cohorts(stats: &stats) { try writer.append(cohort.bytes) }
      return 0
    case .cohortMembers:
      var duplicates = 0
      for cohort in try await cohorts(stats: &stats) {
        guard let id = cohort["id"], case .number(let cohortID) = id, let number = Int(cohortID) else {
          try Self.badRecord("cohorts/list", cohort)
          continue
        }
        var seen = Set<String>()
        let request = EngageRequest(cohortID: number, pageSize: config.engagePageSize)
        var unused: EngageProgress?
        try await engagePass(EngagePager(request: request), stats: &stats, progress: &unused) { profile in
          guard let row = FullTableRow.cohortMember(cohortID: cohortID, profile) else {
            return try Self.badRecord("engage (cohort \(cohortID))", profile)
          }
          guard seen.insert(row.distinctID).inserted else { return duplicates += 1 }
          try writer.append(row.line)
        }
      }
      return duplicates
    case .annotations:
      let range = annotationsRange
      let annotations = try await caller.call("annotations", stats: &stats) {
        try await client.annotations(from: range?.from, to: range?.to)
      }
      for annotation in annotations { try writer.append(annotation.bytes) }
      return 0
    }
  }

  /// The cohort list, fetched at most once per run.
  private mutating func cohorts(stats: inout CallStats) async throws -> [JSONNode] {
    if let cohortList { return cohortList }
    let list = try await caller.call("cohorts/list", stats: &stats) { try await client.cohorts() }
    cohortList = list
    return list
  }

  /// One engage pass: every page from the pager's next one, each under a permit with retries,
  /// until the ``EngagePager`` says it is over. `progress` follows the page to fetch next once
  /// a page's records were all consumed.
  private func engagePass(
    _ start: EngagePager, stats: inout CallStats, progress: inout EngageProgress?,
    _ consume: (JSONNode) throws -> Void
  ) async throws {
    var pager = start
    let request = pager.request
    let label = request.cohortID.map { "engage (cohort \($0))" } ?? "engage"
    while let next = pager.next {
      let page = try await caller.call("\(label) page \(next.page)", stats: &stats) {
        try await client.engagePage(request, page: next.page, sessionID: next.sessionID)
      }
      _ = try pager.accept(page)
      for record in page.results { try consume(record) }
      progress = pager.next.map { EngageProgress(next: $0, rows: pager.rows, total: pager.total) }
    }
    if let total = pager.total, total != pager.rows {
      logger.warning(
        "engage.total_mismatch",
        metadata: ["query": "\(label)", "total": "\(total)", "rows": "\(pager.rows)"])
    }
  }

  /// The `distinct_id`s in the part files `writer` adopted from an interrupted pass.
  static func distinctIDs(in files: [ManifestFile], of writer: SnapshotWriter) throws -> Set<String> {
    var ids = Set<String>()
    for file in files {
      let compression: Compression = file.path.hasSuffix(Compression.gzip.fileExtension) ? .gzip : .zstd
      _ = try PartFileReader.read(path: writer.temporaryPath(of: file), compression: compression) { line in
        if let id = (try? JSONNode(parsing: Array(line)))?["distinct_id"]?.stringValue { ids.insert(id) }
      }
    }
    return ids
  }

  /// A record without the id its table is keyed on: the response is not what Mixpanel documents.
  private static func badRecord(_ source: String, _ record: JSONNode) throws {
    let preview = String(decoding: record.bytes.prefix(80), as: UTF8.self)
    throw MixpanelAPIError(
      kind: .server, status: 200, serverMessage: "a record has no usable id: \(preview)", context: source)
  }
}
