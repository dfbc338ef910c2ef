import Foundation
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("The run record")
struct RunRecordTests {
  @Test(
    "_runs/<run-id>.json holds the run's facts: windows (with their seconds), rows, bytes, retries, bookmark, status, the median MB/s a connection moved"
  )
  func fields() async throws {
    let lake = TemporaryDirectory()
    // About 1 MB a day: each 2-day window is over the 1 MB the connection rate counts.
    let project = FakeProject(seed: 91, eventsPerDay: 1_200, today: Fixture.today)
    let first = Fixture.today.advanced(by: -4)
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(first)", extra: ["date_window_size": .integer(2)]))
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: "\(lake.path)/_runs/\(summary.runID).json"))
    let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    for key in [
      "run_id", "started_at", "finished_at", "seconds", "status", "rows", "files", "bytes",
      "uncompressed_bytes",
      "planned_windows", "committed_windows", "retries", "splits", "duplicates_dropped", "bookmark",
      "windows",
      "rows_per_day", "out_of_window_rows", "connection_mb_per_second",
    ] {
      #expect(record[key] != nil, "\(key)")
    }
    #expect(record["status"] as? String == "succeeded")
    #expect(record["rows"] as? Int == project.truth(from: first, to: Fixture.today).total)
    #expect(record["planned_windows"] as? Int == 3 && record["committed_windows"] as? Int == 3)
    let windows = try #require(record["windows"] as? [[String: Any]])
    #expect(
      windows.map { $0["from_date"] as? String } == [
        "\(first)", "\(first.advanced(by: 2))", "\(first.advanced(by: 4))",
      ])
    #expect(windows.allSatisfy { $0["status"] as? String == "committed" && ($0["bytes"] as? Int ?? 0) > 0 })
    // The median of the windows of at least 1 MB: uncompressed bytes over their seconds (the
    // record rounds seconds to 1 ms, hence the tolerance).
    let rates = windows.compactMap { window -> Double? in
      guard let bytes = window["uncompressed_bytes"] as? Int, bytes >= 1_000_000,
        let seconds = window["seconds"] as? Double, seconds > 0
      else { return nil }
      return Double(bytes) / seconds / 1e6
    }.sorted()
    #expect(windows.allSatisfy { ($0["seconds"] as? Double ?? 0) > 0 }, "\(windows)")
    #expect(rates.count >= 2, "\(windows)")
    let median = try #require(record["connection_mb_per_second"] as? Double)
    #expect(abs(median - rates[rates.count / 2]) <= max(0.02, median * 0.05), "\(median) against \(rates)")
    #expect(!String(decoding: data, as: UTF8.self).contains(project.apiSecret))
  }
}
