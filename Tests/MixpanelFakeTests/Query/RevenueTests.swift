import Foundation
import Testing

@testable import MixpanelFake

@Suite struct RevenueTests {
  func project() -> FakeProject {
    FakeProject(seed: 31, eventsPerDay: 10, today: testToday)
  }

  @Test func dailyShapeEqualsTheTruthOnBothPrefixes() async throws {
    let project = project()
    try await withServer(project) { server in
      let path = "engage/revenue?from_date=2024-05-01&to_date=2024-06-30&unit=day"
      let response = try get(server, "/api/2.0/" + path)
      #expect(response.status == 200)
      let json = try #require(response.json())
      #expect(
        json["status"] as? String == "ok" && json["computed_at"] is String && json["session_id"] is String)
      let results = try #require(json["results"] as? [String: [String: Any]])
      let truth = project.revenueRows(from: day("2024-05-01"), to: day("2024-06-30"))
      #expect(results.count == truth.count + 1)
      for expected in truth {
        let entry = try #require(results["\(expected.day)"])
        #expect(entry["amount"] as? Double == expected.amount)
        #expect(entry["count"] as? Int == expected.count && entry["paid_count"] as? Int == expected.paidCount)
        #expect(Set(entry.keys) == ["amount", "count", "paid_count"])
      }
      let overall = try #require(results["$overall"])
      #expect(overall["paid_count"] as? Int == truth.reduce(0) { $0 + $1.paidCount })
      #expect(overall["count"] as? Int == truth.last?.count)
      #expect(truth.contains { $0.paidCount == 0 } && truth.contains { $0.amountCents > 0 })
      // Amounts are sent as JSON numbers with a fraction part ("588.0"), like Mixpanel.
      #expect(response.text.contains("\"amount\":0.0") || truth.allSatisfy { $0.amountCents > 0 })
      #expect(try get(server, "/api/query/" + path).body == response.body)
      let noUnit = try get(server, "/api/2.0/engage/revenue?from_date=2024-05-01&to_date=2024-06-30")
      #expect(noUnit.body == response.body)
    }
  }

  @Test func weeklyBuckets() async throws {
    let project = project()
    try await withServer(project) { server in
      let response = try get(
        server, "/api/2.0/engage/revenue?from_date=2024-06-03&to_date=2024-06-16&unit=week")
      let results = try #require(response.json()?["results"] as? [String: [String: Any]])
      #expect(Set(results.keys) == ["$overall", "2024-06-03", "2024-06-10"])
      let week = project.revenueRows(from: day("2024-06-03"), to: day("2024-06-09"))
      #expect(results["2024-06-03"]?["paid_count"] as? Int == week.reduce(0) { $0 + $1.paidCount })
    }
  }

  @Test func badDatesAnswer400() async throws {
    try await withServer(project()) { server in
      for query in [
        "to_date=2024-06-02", "from_date=2024-06-01", "from_date=2024-02-30&to_date=2024-06-02",
        "from_date=2024-06-03&to_date=2024-06-02", "from_date=2024-06-01&to_date=2024-07-01",
        "from_date=2024-06-01&to_date=2024-06-02&unit=year",
      ] {
        for prefix in ["/api/query/", "/api/2.0/"] {
          let response = try get(server, prefix + "engage/revenue?" + query)
          #expect(response.status == 400, "\(query)")
          #expect(response.json()?["request"] as? String == prefix + "engage/revenue?" + query)
          #expect(response.json()?["error"] is String)
        }
      }
    }
  }

  @Test func unavailableRevenueAnswersAnError() async throws {
    let project = project()
    let other = self.project()
    project.setRevenueUnavailable(status: 402)
    #expect(project.revenueUnavailableStatus == 402 && other.revenueUnavailableStatus == nil)
    try await withServer(project) { server in
      let path = "/api/2.0/engage/revenue?from_date=2024-06-01&to_date=2024-06-02"
      let response = try get(server, path)
      #expect(response.status == 402)
      #expect(response.json()?["request"] as? String == path)
      #expect((response.json()?["error"] as? String)?.contains("plan") == true)
      project.setRevenueUnavailable(status: 404)
      #expect(try get(server, path).status == 404)
      project.setRevenueUnavailable(status: nil)
      #expect(try get(server, path).status == 200)
    }
  }
}
