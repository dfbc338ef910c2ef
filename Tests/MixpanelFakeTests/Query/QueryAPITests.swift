import Foundation
import Testing

@testable import MixpanelFake

@Suite struct QueryAPITests {
  static let account = FakeServiceAccount(
    username: "reader.mp-service-account", secret: "s3cr3t", projectID: 2_195_193)

  @Test func eventNamesAreTheMostCommonFirst() async throws {
    let project = makeProject(eventsPerDay: 200)
    try await withServer(project) { server in
      let response = try get(server, "/api/query/events/names?type=general&limit=255")
      #expect(response.status == 200)
      let names = try #require(response.anyJSON() as? [String])
      #expect(Set(names) == Set(FakeProject.eventNames))
      var totals: [String: Int] = [:]
      for offset in 0...30 {
        for (name, count) in project.eventCountsByName(on: testToday.advanced(by: -offset)) {
          totals[name, default: 0] += count
        }
      }
      #expect(names.map { totals[$0]! } == names.map { totals[$0]! }.sorted(by: >))
      let three = try get(server, "/api/2.0/events/names/?type=general&limit=3")
      #expect(three.anyJSON() as? [String] == Array(names.prefix(3)))
    }
  }

  @Test func eventNamesLeaveOutNamesWithoutEvents() async throws {
    let project = FakeProject(seed: 1, eventsPerDay: 1, today: testToday, dataDays: [testToday])
    try await withServer(project) { server in
      let names = try #require(try get(server, "/api/query/events/names?type=general").anyJSON() as? [String])
      #expect(names.count == 1)
    }
  }

  @Test func serviceAccountsNeedProjectIDOnQueryEndpoints() async throws {
    let project = makeProject(serviceAccount: Self.account)
    try await withServer(project) { server in
      let auth = basicAuth("\(Self.account.username):\(Self.account.secret)")
      let path = "/api/query/events/names?type=general"
      #expect(try get(server, path + "&project_id=2195193", headers: auth).status == 200)
      let missing = try get(server, path, headers: auth)
      #expect(missing.status == 400)
      #expect((missing.json()?["error"] as? String)?.contains("project_id") == true)
      #expect(try get(server, path + "&project_id=1", headers: auth).status == 403)
      #expect(try get(server, path, headers: basicAuth("fake-secret")).status == 200)
      let unauthorized = try get(server, path, headers: basicAuth("nope:"))
      #expect(unauthorized.status == 401)
      #expect(unauthorized.json()?["request"] as? String == path)
    }
  }

  @Test func queryEndpointsHaveTheirOwnRateLimitFamily() async throws {
    let clock = ManualFakeClock()
    let configuration = FakeServerConfiguration(
      rateLimits: FakeRateLimits(perHour: 60, perSecond: 100),
      queryRateLimits: FakeRateLimits(perHour: 2, perSecond: .max, maxConcurrent: 5), clock: clock)
    try await withServer(configuration: configuration) { server in
      let path = "/api/query/events/names?type=general"
      #expect(try get(server, path).status == 200)
      #expect(try get(server, "/api/2.0/events?event=%5B%5D&type=general&unit=day&interval=1").status == 200)
      let limited = try get(server, path)
      #expect(limited.status == 429)
      let message = try #require(limited.json()?["error"] as? String)
      #expect(
        message.hasPrefix(
          "Query rate limit exceeded for this project. 0/5 queries running concurrently and 3/2 queries running in the last hour."
        ))
      #expect(limited.json()?["request"] as? String == path)
      #expect(try get(server, exportPath("2024-06-01", "2024-06-01", "&limit=1")).status == 200)
      clock.advance(by: .seconds(3_600))
      #expect(try get(server, path).status == 200)
    }
  }

  @Test func defaultQueryLimitsAreMixpanels() {
    #expect(FakeServerConfiguration().queryRateLimits == nil)
    let on = FakeServerConfiguration(rateLimits: .mixpanelExport)
    #expect(on.queryRateLimits == FakeRateLimits(perHour: 60, perSecond: .max, maxConcurrent: 5))
  }

  @Test func unknownQueryPathsAre404() async throws {
    try await withServer { server in
      let top = try get(server, "/api/query/events/top?type=general")
      let export = try get(server, "/api/query/export?from_date=2024-06-01&to_date=2024-06-01")
      #expect(top.status == 404)
      #expect(export.status == 404)
    }
  }
}
