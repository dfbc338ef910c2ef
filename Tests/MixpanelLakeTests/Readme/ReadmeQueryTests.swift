import Foundation
import MixpanelFake
import Testing

@Suite("The README's commands stay true")
struct ReadmeQueryTests {
  static var readme: String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
  }

  /// The first ```sql block of the README.
  static var query: String? {
    guard let start = readme.range(of: "```sql\n"),
      let end = readme.range(of: "```", range: start.upperBound..<readme.endIndex)
    else { return nil }
    return String(readme[start.upperBound..<end.lowerBound])
  }

  @Test("the demo backfills into a lake, and the README's DuckDB query over it returns the demo's truth")
  func demoAndQuery() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let demo = try await CLIProcess.run(
      ["demo", "--lake", lake, "--days", "20", "--events-per-day", "150", "--seed", "42", "--quiet"])
    #expect(demo.status == 0, "\(demo.stderr)")
    #expect(demo.stdout.contains("rows per day in the lake equal the fake's truth"))
    // Run again, as a user trying the README twice would: the second run fetches only the days
    // the bookmark left open, and the lake as a whole still equals the truth.
    let again = try await CLIProcess.run(
      ["demo", "--lake", lake, "--days", "20", "--events-per-day", "150", "--seed", "42", "--quiet"])
    #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
    #expect(again.stdout.contains("rows per day in the lake equal the fake's truth: "))
    let sql = try #require(Self.query).replacingOccurrences(of: "'lake/", with: "'\(lake)/")
    let rows = try DuckDB.query(sql)
    let today = FakeDay.todayUTC()
    let truth = FakeProject(seed: 42, eventsPerDay: 150, today: today).truth(
      from: today.advanced(by: -19), to: today)
    #expect(rows.count == truth.days.count)
    for row in rows {
      let day = try #require(FakeDay(String(describing: row[0])))
      #expect(Int(String(describing: row[1])) == truth.count(on: day), "\(day)")
    }
  }
}
