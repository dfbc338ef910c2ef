import Lake
import Logging
import MixpanelAPI

extension StreamContext {
  /// Fetches every record of `stream` into `writer`; returns how many duplicate keys it dropped.
  mutating func fill(_ writer: SnapshotWriter, stream: FullTableStream, stats: inout CallStats) async throws
    -> Int
  {
    switch stream {
    case .engage:
      var seen = Set<String>()
      var duplicates = 0
      try await engagePass(EngageRequest(pageSize: config.engagePageSize), stats: &stats) { profile in
        guard let row = StreamRecord.engageProfile(profile) else {
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
        try await engagePass(request, stats: &stats) { profile in
          guard let row = StreamRecord.cohortMember(cohortID: cohortID, profile) else {
            return try Self.badRecord("engage (cohort \(cohortID))", profile)
          }
          guard seen.insert(row.distinctID).inserted else { return duplicates += 1 }
          try writer.append(row.line)
        }
      }
      return duplicates
    case .annotations:
      let annotations = try await caller.call("annotations", stats: &stats) { try await client.annotations() }
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

  /// One engage pass: every page of `request`, each under a permit with retries, until the
  /// ``EngagePager`` says it is over.
  private func engagePass(
    _ request: EngageRequest, stats: inout CallStats, _ consume: (JSONNode) throws -> Void
  ) async throws {
    var pager = EngagePager(request: request)
    let label = request.cohortID.map { "engage (cohort \($0))" } ?? "engage"
    while let position = pager.next {
      let page = try await caller.call("\(label) page \(position.page)", stats: &stats) {
        try await client.engagePage(request, page: position.page, sessionID: position.sessionID)
      }
      _ = try pager.accept(page)
      for record in page.results { try consume(record) }
    }
    if let total = pager.total, total != pager.rows {
      logger.warning(
        "engage.total_mismatch",
        metadata: ["query": "\(label)", "total": "\(total)", "rows": "\(pager.rows)"])
    }
  }

  /// A record without the id its table is keyed on: the response is not what Mixpanel documents.
  private static func badRecord(_ source: String, _ record: JSONNode) throws {
    let preview = String(decoding: record.bytes.prefix(80), as: UTF8.self)
    throw MixpanelAPIError(
      kind: .server, status: 200, serverMessage: "a record has no usable id: \(preview)", context: source)
  }
}
