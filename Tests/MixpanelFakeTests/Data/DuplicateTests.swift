import Foundation
import Testing

@testable import MixpanelFake

@Suite struct DuplicateTests {
  func project(share: Double) -> FakeProject {
    FakeProject(seed: 3, eventsPerDay: 500, today: testToday, duplicateShare: share)
  }

  @Test func duplicatedEventsRepeatTheirExactBytesInTheSameDay() throws {
    let project = project(share: 0.1)
    let text = String(decoding: project.dayBody(day("2024-06-01")), as: UTF8.self)
    let lines = text.split(separator: "\n")
    var copies: [Substring: Int] = [:]
    for line in lines { copies[line, default: 0] += 1 }
    let repeated = copies.values.filter { $0 == 2 }.count
    #expect(copies.values.allSatisfy { $0 <= 2 })
    #expect(repeated > 20 && repeated < 90)
    let truth = project.truth(from: day("2024-06-01"), to: day("2024-06-01"))
    #expect(truth.days[0].rows == lines.count)
    #expect(truth.days[0].uniqueRows == copies.count)
    let ids = Set(
      try #require(parseLines(lines)).map { ($0["properties"] as! [String: Any])["$insert_id"] as! String })
    #expect(ids.count == copies.count)
  }

  @Test func noDuplicatesByDefault() {
    let truth = makeProject(eventsPerDay: 500).truth(from: day("2024-06-01"), to: day("2024-06-05"))
    #expect(truth.days.allSatisfy { $0.rows == $0.uniqueRows })
    #expect(truth.uniqueTotal == truth.total)
  }

  @Test func duplicatesKeepTheOriginalLinesInPlace() {
    let plain = String(decoding: project(share: 0).dayBody(day("2024-06-01")), as: UTF8.self)
    let doubled = String(decoding: project(share: 0.1).dayBody(day("2024-06-01")), as: UTF8.self)
    #expect(doubled.hasPrefix(plain))
    #expect(doubled.count > plain.count)
  }

  @Test func detailedJSONShowsRowsAndUniqueRows() throws {
    let truth = project(share: 0.1).truth(from: day("2024-06-01"), to: day("2024-06-02"))
    let decoded = try #require(
      JSONSerialization.jsonObject(with: Data(truth.detailedJSON.utf8)) as? [String: [String: Int]])
    #expect(decoded["2024-06-02"]?["rows"] == truth.days[1].rows)
    #expect(decoded["2024-06-02"]?["uniqueRows"] == truth.days[1].uniqueRows)
    #expect(truth.days[1].rows > truth.days[1].uniqueRows)
  }
}
