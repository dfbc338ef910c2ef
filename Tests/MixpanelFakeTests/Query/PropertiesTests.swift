import Foundation
import Testing

@testable import MixpanelFake

@Suite struct PropertiesTests {
  func project(profiles: Int = 300) -> FakeProject {
    FakeProject(seed: 9, eventsPerDay: 40, today: testToday, profiles: profiles)
  }

  func counts(_ response: RawHTTPResponse) throws -> [String: Int] {
    let json = try #require(response.json() as? [String: [String: Int]])
    return json.mapValues { $0["count"] ?? -1 }
  }

  @Test func topEventPropertiesCoverEveryExportedPropertyOnBothPrefixes() async throws {
    let project = project()
    try await withServer(project) { server in
      let response = try get(server, "/api/query/events/properties/top?limit=2000")
      #expect(response.status == 200)
      let top = try counts(response)
      let exported = try #require(
        parseLines(try get(server, exportPath("2024-06-29", "2024-06-30")).text.split(separator: "\n")))
      #expect(!exported.isEmpty)
      var seen = Set<String>()
      for event in exported { seen.formUnion((event["properties"] as? [String: Any] ?? [:]).keys) }
      #expect(seen.subtracting(top.keys).isEmpty, "\(seen.subtracting(top.keys).sorted())")
      #expect(top.values.allSatisfy { $0 > 0 })
      #expect(try get(server, "/api/2.0/events/properties/top?limit=2000").body == response.body)
    }
  }

  @Test func topEventPropertiesHonourEventAndLimit() async throws {
    try await withServer(project()) { server in
      let all = try counts(try get(server, "/api/query/events/properties/top?limit=2000"))
      var timeTotal = 0
      for name in EventGenerator.eventNames {
        let one = try counts(
          try get(server, "/api/query/events/properties/top?limit=2000&event=\(encoded(name))"))
        timeTotal += one["time"] ?? 0
      }
      #expect(timeTotal == all["time"])
      let unknown = try get(server, "/api/query/events/properties/top?event=Nope")
      #expect(unknown.status == 200 && unknown.text == "{}")
      #expect(try counts(try get(server, "/api/query/events/properties/top")).count == 10)
      #expect(try counts(try get(server, "/api/query/events/properties/top?limit=3")).count == 3)
      #expect(try get(server, "/api/query/events/properties/top?limit=0").status == 400)
      #expect(try get(server, "/api/query/events/properties/top", headers: [:]).status == 401)
    }
  }

  @Test func engagePropertiesCountAndTypeProfileProperties() async throws {
    let project = project()
    try await withServer(project) { server in
      let response = try get(server, "/api/2.0/engage/properties?limit=2000")
      #expect(response.status == 200)
      let json = try #require(response.json())
      #expect(json["status"] as? String == "ok")
      let results = try #require(json["results"] as? [String: [String: Any]])
      var expected: [String: Int] = [:]
      for index in 0..<300 {
        for (name, _) in project.profiles.properties(index) { expected[name, default: 0] += 1 }
      }
      #expect(results.mapValues { $0["count"] as? Int ?? -1 } == expected)
      #expect(results["$email"]?["type"] as? String == "string")
      #expect(results["$last_seen"]?["type"] as? String == "datetime")
      #expect(results["seats"]?["type"] as? String == "number")
      #expect(results["invited"]?["type"] as? String == "boolean")
      #expect(results["tags"]?["type"] as? String == "list")
      #expect(try get(server, "/api/query/engage/properties?limit=2000").body == response.body)
      #expect(try get(server, "/api/query/engage/properties", headers: [:]).status == 401)
    }
  }

  @Test func engageSwitchAnswers402OnEngageAndItsProperties() async throws {
    let project = project()
    let other = self.project()
    project.setEngageUnavailable()
    #expect(project.engageUnavailableStatus == 402 && other.engageUnavailableStatus == nil)
    try await withServer(project) { server in
      for response in [
        try post(server, "/api/query/engage", body: "page_size=10"),
        try get(server, "/api/2.0/engage/properties"),
      ] {
        #expect(response.status == 402)
        #expect(
          response.json()?["error"] as? String
            == "Your plan does not allow API calls. Upgrade at mixpanel.com/pricing")
      }
      project.setEngageUnavailable(status: nil)
      #expect(try post(server, "/api/query/engage", body: "page_size=10").status == 200)
    }
  }
}
