import Foundation
import Testing

@testable import MixpanelFake

@Suite struct EventCountsTests {
  static let names = ["Purchase", "Shared \"Link\"", "Café Visit ☕", "Never Sent"]

  func eventsPath(
    _ from: String, _ to: String, names: [String] = Self.names, unit: String = "day",
    prefix: String = "/api/query"
  ) -> String {
    "\(prefix)/events?event=\(encodedJSONArray(names))&type=general&unit=\(unit)&from_date=\(from)&to_date=\(to)"
  }

  func values(_ response: RawHTTPResponse) throws -> [String: [String: Int]] {
    let data = try #require(response.json()?["data"] as? [String: Any])
    return try #require(data["values"] as? [String: [String: Int]])
  }

  /// Counts the export's lines per name and day, counting exact duplicates once.
  func exportedCounts(_ server: FakeServerHandle, _ from: String, _ to: String) throws -> [String: [String:
    Int]]
  {
    let response = try get(server, exportPath(from, to))
    var seen = Set<Substring>()
    var counts: [String: [String: Int]] = [:]
    for name in FakeProject.eventNames {
      for day in day(from)...day(to) { counts[name, default: [:]]["\(day)"] = 0 }
    }
    for (line, object) in zip(response.lines, try #require(parseLines(response.lines)))
    where seen.insert(line).inserted {
      let time = (object["properties"] as! [String: Any])["time"] as! Int
      counts[object["event"] as! String, default: [:]][
        "\(FakeDay(containingEpochSeconds: Int64(time)))", default: 0] += 1
    }
    return counts
  }

  @Test func countsEqualWhatTheExportServesPerNameAndDay() async throws {
    let project = makeProject(eventsPerDay: 300)
    try await withServer(project) { server in
      let response = try get(server, eventsPath("2024-06-01", "2024-06-03"))
      #expect(response.status == 200)
      #expect(response.header("content-type") == "application/json")
      let json = try #require(response.json())
      #expect(json["legend_size"] as? Int == 4)
      let series = try #require((json["data"] as? [String: Any])?["series"] as? [String])
      #expect(series == ["2024-06-01", "2024-06-02", "2024-06-03"])
      let values = try values(response)
      let exported = try exportedCounts(server, "2024-06-01", "2024-06-03")
      for name in Self.names.dropLast() {
        #expect(values[name] == exported[name], "\(name)")
      }
      #expect(values["Never Sent"] == ["2024-06-01": 0, "2024-06-02": 0, "2024-06-03": 0])
    }
  }

  @Test func countsFollowNowAndCountDuplicatesOnce() async throws {
    let project = FakeProject(
      seed: 9, eventsPerDay: 300, today: testToday, lateArrivals: true, lateShare: 0.3, duplicateShare: 0.1)
    let names = FakeProject.eventNames
    try await withServer(project) { server in
      server.setNow(day("2024-06-03").startEpochSeconds + 7_200)
      let early = try values(try get(server, eventsPath("2024-06-01", "2024-06-03", names: names)))
      #expect(early == (try exportedCounts(server, "2024-06-01", "2024-06-03")))
      server.setNow(nil)
      let late = try values(try get(server, eventsPath("2024-06-01", "2024-06-03", names: names)))
      #expect(late == (try exportedCounts(server, "2024-06-01", "2024-06-03")))
      let earlyTotal = early.values.flatMap(\.values).reduce(0, +)
      let lateTotal = late.values.flatMap(\.values).reduce(0, +)
      #expect(earlyTotal < lateTotal)
      #expect(lateTotal == project.truth(from: day("2024-06-01"), to: day("2024-06-03")).uniqueTotal)
    }
  }

  @Test(arguments: ["/api/2.0/events", "/api/2.0/events/", "/api/query/events/"])
  func bothPrefixesAndATrailingSlashServeTheSameCounts(path: String) async throws {
    try await withServer { server in
      let reference = try get(server, eventsPath("2024-06-01", "2024-06-02"))
      let query = String(eventsPath("2024-06-01", "2024-06-02").drop { $0 != "?" })
      let other = try get(server, path + query)
      #expect(other.status == 200)
      #expect(other.body == reference.body)
    }
  }

  @Test func formBodyParametersAreMergedWithTheQueryString() async throws {
    try await withServer { server in
      let reference = try get(server, eventsPath("2024-06-01", "2024-06-02"))
      let posted = try post(
        server, "/api/query/events?type=general&unit=day",
        body: "event=\(encodedJSONArray(Self.names))&from_date=2024-06-01&to_date=2024-06-02")
      #expect(posted.status == 200)
      #expect(posted.body == reference.body)
    }
  }

  @Test func weekAndMonthBucketsAddUpTheirDays() async throws {
    let project = makeProject(eventsPerDay: 100)
    try await withServer(project) { server in
      let daily = try values(try get(server, eventsPath("2024-05-27", "2024-06-09", names: ["Purchase"])))
      let weekly = try values(
        try get(server, eventsPath("2024-05-27", "2024-06-09", names: ["Purchase"], unit: "week")))
      let sum = { (days: [String]) in days.map { daily["Purchase"]![$0]! }.reduce(0, +) }
      let firstWeek = (27...31).map { "2024-05-\($0)" } + ["2024-06-01", "2024-06-02"]
      #expect(weekly["Purchase"]?["2024-05-27"] == sum(firstWeek))
      #expect(weekly["Purchase"]?.count == 2)
      let monthly = try values(
        try get(server, eventsPath("2024-05-27", "2024-06-09", names: ["Purchase"], unit: "month")))
      #expect(Set(monthly["Purchase"]!.keys) == ["2024-05-01", "2024-06-01"])
      #expect(monthly["Purchase"]!.values.reduce(0, +) == daily["Purchase"]!.values.reduce(0, +))
    }
  }

  @Test func uniqueCountsDistinctUsers() async throws {
    try await withServer { server in
      let path = eventsPath("2024-06-01", "2024-06-01", names: ["Purchase"]).replacingOccurrences(
        of: "type=general", with: "type=unique")
      let unique = try values(try get(server, path))["Purchase"]!["2024-06-01"]!
      let users = Set(
        try properties(
          try get(server, exportPath("2024-06-01", "2024-06-01", "&event=\(encodedJSONArray(["Purchase"]))"))
        )
        .map { $0["distinct_id"] as! String })
      #expect(unique == users.count)
    }
  }

  @Test(arguments: [
    (
      "type=general&unit=day&from_date=2024-06-01&to_date=2024-06-01",
      "Error in event: missing required parameter"
    ),
    (
      "event=Purchase&type=general&unit=day&from_date=2024-06-01&to_date=2024-06-01",
      "Error in event: invalid JSON array of event names"
    ),
    (
      "event=%5B%5D&unit=day&from_date=2024-06-01&to_date=2024-06-01",
      "Error in type: missing required parameter"
    ),
    (
      "event=%5B%5D&type=total&unit=day&from_date=2024-06-01&to_date=2024-06-01",
      "Error in type: must be one of general, unique, average"
    ),
    (
      "event=%5B%5D&type=general&from_date=2024-06-01&to_date=2024-06-01",
      "Error in unit: missing required parameter"
    ),
    (
      "event=%5B%5D&type=general&unit=fortnight&from_date=2024-06-01&to_date=2024-06-01",
      "Error in unit: invalid unit"
    ),
    (
      "event=%5B%5D&type=general&unit=day&from_date=2024-06-01",
      "Error in to_date: missing required parameter"
    ),
    (
      "event=%5B%5D&type=general&unit=day&from_date=2024-06-01&to_date=2024-07-01",
      "to_date cannot be later than today"
    ),
  ])
  func badParametersAre400(query: String, message: String) async throws {
    try await withServer { server in
      let response = try get(server, "/api/query/events?" + query)
      #expect(response.status == 400)
      #expect(response.json()?["error"] as? String == message)
      #expect(response.json()?["request"] as? String == "/api/query/events?" + query)
    }
  }

  @Test func intervalCountsBackFromToday() async throws {
    try await withServer { server in
      let response = try get(
        server, "/api/query/events?event=%5B%22Purchase%22%5D&type=general&unit=day&interval=3")
      let series = try #require((response.json()?["data"] as? [String: Any])?["series"] as? [String])
      #expect(series == ["2024-06-28", "2024-06-29", "2024-06-30"])
    }
  }
}
