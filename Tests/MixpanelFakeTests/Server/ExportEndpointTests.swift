import Foundation
import Testing

@testable import MixpanelFake

@Suite struct ExportEndpointTests {
  @Test func servesExactlyTheTruthForARange() async throws {
    let project = makeProject(eventsPerDay: 300)
    try await withServer(project) { server in
      let response = try get(server, exportPath("2024-06-01", "2024-06-10"))
      #expect(response.status == 200)
      #expect(response.ending == .complete)
      #expect(response.header("content-type") == "text/plain; charset=utf-8")
      #expect(response.header("content-encoding") == nil)
      let objects = try #require(parseLines(response.lines))
      #expect(objects.count == project.truth(from: day("2024-06-01"), to: day("2024-06-10")).total)
      #expect(response.body == project.exportBody(from: day("2024-06-01"), to: day("2024-06-10")))
      var perDay: [FakeDay: Int] = [:]
      for object in objects {
        let time = (object["properties"] as! [String: Any])["time"] as! Int
        perDay[FakeDay(containingEpochSeconds: Int64(time)), default: 0] += 1
      }
      for entry in project.truth(from: day("2024-06-01"), to: day("2024-06-10")).days {
        #expect(perDay[entry.day] == entry.count)
      }
    }
  }

  @Test func trailingSlashIsTheSameEndpoint() async throws {
    try await withServer { server in
      let plain = try get(server, exportPath("2024-06-01", "2024-06-01"))
      let slash = try get(server, "/api/2.0/export/?from_date=2024-06-01&to_date=2024-06-01")
      #expect(slash.status == 200)
      #expect(slash.body == plain.body)
    }
  }

  @Test func emptyRangeIsA200WithAnEmptyBody() async throws {
    let project = FakeProject(seed: 1, eventsPerDay: 10, today: testToday, dataDays: [day("2024-06-01")])
    try await withServer(project) { server in
      let response = try get(
        server, exportPath("2024-06-10", "2024-06-12"),
        headers: secretAuth.merging(["Accept-Encoding": "gzip"]) { a, _ in a })
      #expect(response.status == 200)
      #expect(response.body.isEmpty)
      #expect(response.header("content-encoding") == nil)
    }
  }

  @Test func eventFilterUsesAJSONArray() async throws {
    let project = makeProject(eventsPerDay: 200)
    try await withServer(project) { server in
      let names = ["Purchase", "Shared \"Link\"", "Café Visit ☕"]
      let json = String(decoding: try JSONSerialization.data(withJSONObject: names), as: UTF8.self)
      let encoded = json.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
      let response = try get(server, exportPath("2024-06-01", "2024-06-03", "&event=\(encoded)"))
      #expect(response.status == 200)
      let objects = try #require(parseLines(response.lines))
      #expect(!objects.isEmpty)
      #expect(objects.allSatisfy { names.contains($0["event"] as! String) })
      #expect(
        response.body
          == project.exportBody(from: day("2024-06-01"), to: day("2024-06-03"), events: Set(names)))
    }
  }

  @Test func limitCapsTheNumberOfEvents() async throws {
    try await withServer { server in
      let response = try get(server, exportPath("2024-06-01", "2024-06-10", "&limit=7"))
      #expect(response.status == 200)
      #expect(response.lines.count == 7)
    }
  }

  @Test func timeInMsReturnsMilliseconds() async throws {
    try await withServer { server in
      let seconds = try #require(parseLines(try get(server, exportPath("2024-06-01", "2024-06-01")).lines))
      let millis = try #require(
        parseLines(try get(server, exportPath("2024-06-01", "2024-06-01", "&time_in_ms=true")).lines))
      #expect(seconds.count == millis.count)
      for (s, m) in zip(seconds, millis) {
        let st = (s["properties"] as! [String: Any])["time"] as! Int
        let mt = (m["properties"] as! [String: Any])["time"] as! Int
        #expect(mt / 1_000 == st)
        #expect(mt > 1_000_000_000_000)
      }
    }
  }

  @Test func unknownPathIs404JSON() async throws {
    try await withServer { server in
      let response = try get(server, "/api/2.0/nope?x=1")
      #expect(response.status == 404)
      #expect(response.json()?["request"] as? String == "/api/2.0/nope?x=1")
      #expect(response.json()?["error"] is String)
    }
  }

  @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
    try await withServer { server in
      let connection = try RawHTTPConnection(port: server.port)
      let first = try connection.get(
        exportPath("2024-06-01", "2024-06-01"), headers: secretAuth, keepAlive: true)
      let error = try connection.get("/missing", headers: secretAuth, keepAlive: true)
      let second = try connection.get(
        exportPath("2024-06-02", "2024-06-02"), headers: secretAuth, keepAlive: true)
      #expect(first.status == 200 && error.status == 404 && second.status == 200)
      #expect(first.body == server.project.dayBody(day("2024-06-01")))
      #expect(second.body == server.project.dayBody(day("2024-06-02")))
    }
  }

  @Test func requestLogRecordsRequestsWithoutSecrets() async throws {
    try await withServer { server in
      _ = try get(server, exportPath("2024-06-01", "2024-06-02", "&api_secret=hush"))
      _ = try get(server, "/api/2.0/export?from_date=bad&to_date=2024-06-02")
      let entries = server.requestLog.entries
      #expect(entries.map(\.index) == [0, 1])
      #expect(entries.map(\.status) == [200, 400])
      #expect(entries[0].path == "/api/2.0/export")
      #expect(entries[0].queryValue("from_date") == "2024-06-01")
      #expect(entries[0].queryValue("api_secret") == nil)
      #expect(
        entries[0].bytesSent
          == server.project.exportBody(from: day("2024-06-01"), to: day("2024-06-02")).count)
      #expect(entries[0].arrival <= entries[1].arrival)
      #expect(entries.allSatisfy { $0.completed })
    }
  }
}
