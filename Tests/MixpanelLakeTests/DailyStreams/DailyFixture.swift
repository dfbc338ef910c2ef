import Foundation
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport

/// Runs the daily streams against the fake and reads their rows back.
enum DailyFixture {
  /// A funnels row reduced to what the fake's truth says about it.
  struct FunnelRow: Equatable, CustomStringConvertible {
    var funnelID: Int
    var date: String
    var counts: [Int]
    var analysis: [Int]

    var description: String { "\(funnelID)@\(date) \(counts) \(analysis)" }
  }

  struct RevenueRow: Equatable {
    var date: String
    var amount: Double
    var count: Int
    var paidCount: Int
  }

  /// Funnels and revenue from `start`, windows of 7 days, attribution window 5 (the default).
  static func config(
    lake: String, server: FakeServerHandle, start: String, extra: [String: JSONNode] = [:]
  ) throws -> LakeConfig {
    var object: [String: JSONNode] = [
      "api_secret": .string(server.project.apiSecret), "start_date": .string(start),
      "export_api_url": .string(server.baseURL), "query_api_url": .string(server.baseURL),
      "lake": .string(lake), "streams": .array([.string("funnels"), .string("revenue")]),
      "date_window_size": .integer(7),
    ]
    for (key, value) in extra { object[key] = value }
    return try ConfigLoader.parse(object)
  }

  static func run(_ config: LakeConfig, now: Date = Fixture.now) async throws -> DailyStreamRunSummary {
    try await QueryStreamsRun(config: config, logger: Fixture.logger, clock: VirtualClock(), now: { now })
      .daily()
  }

  /// `day=first` … `day=last`.
  static func folders(_ first: String, _ last: String) -> [String] {
    (FakeDay(first)!...FakeDay(last)!).map { "day=\($0)" }
  }

  /// Every row of a daily stream, as JSON objects, day folder by day folder; checks that each
  /// row sits in the partition of its `date` and carries `datetime`.
  static func rows(lake: String, stream: String) throws -> [[String: Any]] {
    let reader = LakeReader(root: lake)
    var rows: [[String: Any]] = []
    for folder in try reader.dayFolders(stream: stream) {
      for line in try reader.lines(folder, stream: stream) {
        let row = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
        let date = row["date"] as? String ?? "?"
        guard folder == "day=\(date)", row["datetime"] as? String == "\(date)T00:00:00Z" else {
          throw Mismatch(description: "row of \(date) in \(folder)")
        }
        rows.append(row)
      }
    }
    return rows
  }

  struct Mismatch: Error, CustomStringConvertible {
    let description: String
  }

  static func funnelRows(lake: String) throws -> [FunnelRow] {
    try rows(lake: lake, stream: "funnels").map { row in
      let steps = row["steps"] as! [[String: Any]]
      let analysis = row["analysis"] as! [String: Int]
      return FunnelRow(
        funnelID: row["funnel_id"] as! Int, date: row["date"] as! String,
        counts: steps.map { $0["count"] as! Int },
        analysis: ["completion", "starting_amount", "steps", "worst"].map { analysis[$0]! })
    }.sorted { ($0.date, $0.funnelID) < ($1.date, $1.funnelID) }
  }

  static func revenueRows(lake: String) throws -> [RevenueRow] {
    try rows(lake: lake, stream: "revenue").map { row in
      RevenueRow(
        date: row["date"] as! String, amount: row["amount"] as! Double, count: row["count"] as! Int,
        paidCount: row["paid_count"] as! Int)
    }
  }

  static func expected(_ truth: [FakeFunnelDay]) -> [FunnelRow] {
    truth.map {
      FunnelRow(
        funnelID: $0.funnelID, date: "\($0.day)", counts: $0.counts,
        analysis: [$0.completion, $0.startingAmount, $0.counts.count, $0.worst])
    }.sorted { ($0.date, $0.funnelID) < ($1.date, $1.funnelID) }
  }

  static func expected(_ truth: [FakeRevenueDay]) -> [RevenueRow] {
    truth.map { RevenueRow(date: "\($0.day)", amount: $0.amount, count: $0.count, paidCount: $0.paidCount) }
  }
}
