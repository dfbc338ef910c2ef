import Foundation
import Testing

@testable import MixpanelFake

@Suite struct FunnelsTests {
  static let account = FakeServiceAccount(username: "svc", secret: "pw", projectID: 2_195_193)

  func project(seed: UInt64 = 21) -> FakeProject {
    FakeProject(seed: seed, eventsPerDay: 10, today: testToday, serviceAccount: Self.account)
  }

  @Test func listShapeOnBothPrefixes() async throws {
    let project = project()
    try await withServer(project) { server in
      let auth = basicAuth("svc:pw")
      let response = try get(server, "/api/query/funnels/list?project_id=2195193", headers: auth)
      #expect(response.status == 200)
      let list = try #require(response.anyJSON() as? [[String: Any]])
      #expect(list.map { $0["funnel_id"] as? Int } == project.funnels.map(\.id))
      #expect(list.map { $0["name"] as? String } == project.funnels.map(\.name))
      #expect(list.allSatisfy { Set($0.keys) == ["funnel_id", "name"] })
      let legacy = try get(server, "/api/2.0/funnels/list/?project_id=2195193", headers: auth)
      #expect(legacy.body == response.body)
      let missingProject = try get(server, "/api/query/funnels/list", headers: auth)
      #expect(missingProject.status == 400)
    }
    #expect(Set(project.funnels.map(\.id)).count == 3)
    #expect(project.funnels.map(\.id) != self.project(seed: 22).funnels.map(\.id))
  }

  @Test func dailyShapeEqualsTheTruth() async throws {
    let project = project()
    let funnel = project.funnels[0]
    try await withServer(project) { server in
      let path = "funnels?funnel_id=\(funnel.id)&from_date=2024-06-01&to_date=2024-06-30&unit=day"
      let response = try get(server, "/api/query/" + path)
      #expect(response.status == 200)
      let json = try #require(response.json())
      #expect(json["computed_at"] is String)
      let dates = try #require((json["meta"] as? [String: Any])?["dates"] as? [String])
      let truth = project.funnelRows(from: day("2024-06-01"), to: day("2024-06-30")).filter {
        $0.funnelID == funnel.id
      }
      #expect(dates == truth.map { "\($0.day)" })
      let data = try #require(json["data"] as? [String: [String: Any]])
      #expect(data.count == 30)
      for expected in truth {
        let entry = try #require(data["\(expected.day)"])
        let steps = try #require(entry["steps"] as? [[String: Any]])
        #expect(steps.map { $0["count"] as? Int } == expected.counts)
        #expect(steps.map { $0["event"] as? String } == funnel.steps.map(\.event))
        #expect(steps.map { $0["goal"] as? String } == funnel.steps.map(\.event))
        #expect(steps[0]["avg_time"] is NSNull)
        #expect(steps[2]["custom_event"] as? Bool == true && steps[2]["custom_event_id"] as? Int == 12_345)
        #expect(steps[2]["step_label"] as? String == "Activated")
        #expect(steps[0]["custom_event"] == nil)
        let analysis = try #require(entry["analysis"] as? [String: Int])
        #expect(analysis["completion"] == expected.completion)
        #expect(analysis["starting_amount"] == expected.startingAmount)
        #expect(analysis["steps"] == 3 && analysis["worst"] == expected.worst)
        if expected.startingAmount > 0 {
          #expect(steps[0]["step_conv_ratio"] as? Int == 1)
          let ratio = try #require(steps[1]["overall_conv_ratio"] as? Double)
          #expect(abs(ratio - Double(expected.counts[1]) / Double(expected.counts[0])) < 0.0001)
        }
        #expect(zip(expected.counts, expected.counts.dropFirst()).allSatisfy { $0 >= $1 })
      }
      #expect(truth.contains { $0.startingAmount == 0 } && truth.contains { $0.startingAmount > 0 })
      // The same answer under /api/2.0/ (computed_at aside, which is fixed here anyway).
      #expect(try get(server, "/api/2.0/" + path).body == response.body)
    }
  }

  @Test func recentDaysKeepConverting() {
    let early = FakeProject(seed: 21, eventsPerDay: 10, today: day("2024-06-28"))
    let later = FakeProject(seed: 21, eventsPerDay: 10, today: day("2024-07-05"))
    let young = early.funnelRows(from: day("2024-06-20"), to: day("2024-06-28"))
    let mature = later.funnelRows(from: day("2024-06-20"), to: day("2024-06-28"))
    #expect(young.map(\.startingAmount) == mature.map(\.startingAmount))
    #expect(young != mature)
    #expect(
      zip(young, mature).allSatisfy { $0.day < day("2024-06-25") ? $0 == $1 : $0.completion <= $1.completion }
    )
  }

  @Test func segmentedAndWeeklyShapes() async throws {
    let project = project()
    let funnel = project.funnels[1]
    try await withServer(project) { server in
      let base = "/api/query/funnels?funnel_id=\(funnel.id)&from_date=2024-06-10&to_date=2024-06-12"
      let segmented = try get(server, base + "&on=" + encoded("properties[\"$browser\"]"))
      #expect(segmented.status == 200)
      let data = try #require(segmented.json()?["data"] as? [String: [String: [[String: Any]]]])
      let truth = project.funnelDay(funnel, on: day("2024-06-11"))
      let entry = try #require(data["2024-06-11"])
      #expect(Set(entry.keys) == ["$overall", "Chrome", "Safari", "Firefox"])
      #expect(entry["$overall"]?.map { $0["count"] as? Int } == truth.counts)

      let weekly = try get(
        server, "/api/query/funnels?funnel_id=\(funnel.id)&from_date=2024-06-03&to_date=2024-06-16&unit=week")
      let weeks = try #require(weekly.json()?["data"] as? [String: [String: Any]])
      #expect(Set(weeks.keys) == ["2024-06-03", "2024-06-10"])
      let days = project.funnelRows(from: day("2024-06-03"), to: day("2024-06-09")).filter {
        $0.funnelID == funnel.id
      }
      let steps = try #require(weeks["2024-06-03"]?["steps"] as? [[String: Any]])
      #expect(steps[0]["count"] as? Int == days.reduce(0) { $0 + $1.startingAmount })
    }
  }

  @Test func badRequestsAndUnknownFunnels() async throws {
    let project = project()
    let id = project.funnels[0].id
    try await withServer(project) { server in
      for (query, message) in [
        ("funnel_id=\(id)&to_date=2024-06-02", "Error in from_date: missing required parameter"),
        ("funnel_id=\(id)&from_date=2024-13-01&to_date=2024-06-02", "Error in from_date: invalid date"),
        ("funnel_id=\(id)&from_date=2024-06-03&to_date=2024-06-02", "from_date cannot be later than to_date"),
        ("funnel_id=\(id)&from_date=2024-06-01&to_date=2024-07-01", "to_date cannot be later than today"),
        ("from_date=2024-06-01&to_date=2024-06-02", "Error in funnel_id: missing required parameter"),
        (
          "funnel_id=\(id)&from_date=2024-06-01&to_date=2024-06-02&unit=hour",
          "Error in unit: must be one of day, week, month"
        ),
      ] {
        for prefix in ["/api/query/", "/api/2.0/"] {
          let response = try get(server, prefix + "funnels?" + query)
          #expect(response.status == 400, "\(query)")
          #expect(response.json()?["error"] as? String == message, "\(query)")
          #expect(response.json()?["request"] as? String == prefix + "funnels?" + query)
        }
      }
      let unknown = try get(server, "/api/query/funnels?funnel_id=1&from_date=2024-06-01&to_date=2024-06-02")
      #expect(unknown.status == 404)
      let unauthorized = try get(server, "/api/query/funnels/list", headers: basicAuth("wrong:"))
      #expect(unauthorized.status == 401)
    }
  }

  @Test func sharesTheQueryRateLimit() async throws {
    let project = project()
    let configuration = FakeServerConfiguration(
      rateLimits: .mixpanelExport,
      queryRateLimits: FakeRateLimits(perHour: 3, perSecond: Int.max, maxConcurrent: 5),
      clock: ManualFakeClock())
    try await withServer(project, configuration: configuration) { server in
      #expect(try get(server, "/api/query/funnels/list").status == 200)
      #expect(
        try get(server, "/api/2.0/engage/revenue?from_date=2024-06-01&to_date=2024-06-02").status == 200)
      #expect(try get(server, "/api/query/cohorts/list").status == 200)
      let limited = try get(server, "/api/query/funnels/list")
      #expect(limited.status == 429)
      #expect((limited.json()?["error"] as? String)?.hasPrefix("Query rate limit exceeded") == true)
    }
  }
}
