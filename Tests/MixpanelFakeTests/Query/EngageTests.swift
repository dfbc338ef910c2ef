import Foundation
import Testing

@testable import MixpanelFake

@Suite struct EngageTests {
  func project(profiles: Int = 2_500) -> FakeProject {
    FakeProject(seed: 4, eventsPerDay: 10, today: testToday, profiles: profiles)
  }

  func results(_ response: RawHTTPResponse) throws -> [[String: Any]] {
    try #require(response.json()?["results"] as? [[String: Any]])
  }

  func ids(_ response: RawHTTPResponse) throws -> [String] {
    try results(response).map { $0["$distinct_id"] as! String }
  }

  @Test func pagesThroughEveryProfileWithOneSession() async throws {
    let project = project()
    try await withServer(project) { server in
      let first = try post(server, "/api/query/engage", body: "page_size=1000")
      #expect(first.status == 200)
      let json = try #require(first.json())
      #expect(json["total"] as? Int == 2_500)
      #expect(json["page"] as? Int == 0)
      #expect(json["page_size"] as? Int == 1_000)
      #expect(json["status"] as? String == "ok")
      let session = try #require(json["session_id"] as? String)
      var all = try ids(first)
      var page = 0
      var sizes = [all.count]
      while sizes.last == 1_000 {
        page += 1
        let next = try post(
          server, "/api/2.0/engage/", body: "page_size=1000&page=\(page)&session_id=\(session)")
        #expect(next.status == 200)
        #expect(next.json()?["total"] == nil)
        #expect(next.json()?["session_id"] as? String == session)
        let pageIDs = try ids(next)
        sizes.append(pageIDs.count)
        all += pageIDs
      }
      #expect(sizes == [1_000, 1_000, 500])
      #expect(all == project.profileDistinctIDs)
      #expect(project.profileCount == 2_500)
    }
  }

  @Test func getWithQueryParametersWorksLikePost() async throws {
    try await withServer(project(profiles: 30)) { server in
      let viaGet = try get(server, "/api/query/engage?page_size=7")
      let viaPost = try post(server, "/api/query/engage?page_size=7", body: "")
      #expect(try ids(viaGet) == ids(viaPost))
      #expect(try ids(viaGet).count == 7)
    }
  }

  @Test func profilesAreDeterministicAndShaped() async throws {
    let a = try await withServer(project(profiles: 50)) { try get($0, "/api/query/engage").body }
    let b = try await withServer(project(profiles: 50)) { try get($0, "/api/query/engage").body }
    let strip = { (body: [UInt8]) in
      String(decoding: body, as: UTF8.self).replacing(/"session_id":"[^"]*"/, with: "")
    }
    #expect(strip(a) == strip(b))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(a)) as? [String: Any])
    let profiles = try #require(json["results"] as? [[String: Any]])
    for profile in profiles {
      let properties = try #require(profile["$properties"] as? [String: Any])
      for key in ["$created", "$email", "$last_seen", "plan"] { #expect(properties[key] != nil) }
      let created = try #require(properties["$created"] as? String)
      #expect(created.count == 19 && created.contains("T"))
      #expect(created <= properties["$last_seen"] as! String)
    }
  }

  @Test func laterPagesNeedALiveSession() async throws {
    let clock = ManualFakeClock()
    let configuration = FakeServerConfiguration(clock: clock, engageSessionLifetime: .seconds(600))
    try await withServer(project(profiles: 20), configuration: configuration) { server in
      let missing = try get(server, "/api/query/engage?page=1&page_size=5")
      #expect(missing.status == 400)
      #expect(
        missing.json()?["error"] as? String == "Error in session_id: required when page is greater than 0")
      let unknown = try get(server, "/api/query/engage?page=1&page_size=5&session_id=nope")
      #expect(unknown.status == 400)
      let session = try #require(
        try get(server, "/api/query/engage?page_size=5").json()?["session_id"] as? String)
      #expect(try get(server, "/api/query/engage?page=1&page_size=5&session_id=\(session)").status == 200)
      clock.advance(by: .seconds(600))
      let expired = try get(server, "/api/query/engage?page=2&page_size=5&session_id=\(session)")
      #expect(expired.status == 400)
      #expect((expired.json()?["error"] as? String)?.contains("expired") == true)
    }
  }

  @Test func filterByCohortReturnsItsMembers() async throws {
    let project = project(profiles: 700)
    try await withServer(project) { server in
      for cohort in project.cohorts {
        let filter = encoded("{\"id\": \(cohort.id)}")
        let all = try post(server, "/api/query/engage", body: "filter_by_cohort=\(filter)&page_size=10000")
        #expect(all.status == 200)
        #expect(try ids(all) == project.cohortMembers(cohort.id))
        let withProfiles = try post(
          server, "/api/query/engage",
          body: "filter_by_cohort=\(filter)&include_all_users=false&page_size=10000")
        #expect(try ids(withProfiles) == project.cohortMembers(cohort.id, includeAllUsers: false))
      }
      let imported = try #require(project.cohortMembers(4_820_002))
      #expect(imported.count > project.cohortMembers(4_820_002, includeAllUsers: false)!.count)
      #expect(project.cohortMembers(4_712_005) == [])
      #expect(project.cohortMembers(1) == nil)
      let unknown = try post(server, "/api/query/engage", body: "filter_by_cohort=\(encoded("{\"id\":1}"))")
      #expect(unknown.status == 400)
    }
  }

  @Test func outputPropertiesAndDistinctIDsNarrowTheResult() async throws {
    try await withServer(project(profiles: 100)) { server in
      let body =
        "distinct_ids=\(encodedJSONArray(["user_10003", "user_10007", "user_99999"]))"
        + "&output_properties=\(encodedJSONArray(["$email", "plan"]))"
      let response = try post(server, "/api/query/engage", body: body)
      #expect(try ids(response) == ["user_10003", "user_10007"])
      #expect(response.json()?["total"] as? Int == 2)
      for profile in try results(response) {
        #expect(Set((profile["$properties"] as! [String: Any]).keys) == ["$email", "plan"])
      }
      let one = try get(server, "/api/query/engage?distinct_id=user_10042")
      #expect(try ids(one) == ["user_10042"])
    }
  }

  @Test(arguments: [
    ("where=x", "invalid where expression"),
    ("page_size=0", "Error in page_size: must be an integer between 1 and 10000"),
    ("distinct_ids=user_1", "Error in distinct_ids: invalid JSON array of strings"),
    ("filter_by_cohort=12", "Error in filter_by_cohort: expected a JSON object like {\"id\": 12345}"),
    ("data_group_id=-1405123841946871899", "Error in data_group_id: not supported by the fake server"),
  ])
  func badParametersAre400(body: String, message: String) async throws {
    try await withServer(project(profiles: 5)) { server in
      let response = try post(server, "/api/query/engage", body: body)
      #expect(response.status == 400)
      #expect(response.json()?["error"] as? String == message)
    }
  }

  @Test func cohortsListIsABareArray() async throws {
    let account = FakeServiceAccount(username: "svc", secret: "pw", projectID: 2_195_193)
    let project = FakeProject(
      seed: 4, eventsPerDay: 10, today: testToday, serviceAccount: account, profiles: 300)
    try await withServer(project) { server in
      let response = try post(
        server, "/api/query/cohorts/list?project_id=2195193", body: "", headers: basicAuth("svc:pw"))
      #expect(response.status == 200)
      let cohorts = try #require(response.anyJSON() as? [[String: Any]])
      #expect(cohorts.map { $0["id"] as! Int } == project.cohorts.map(\.id))
      for cohort in cohorts {
        #expect(cohort["count"] as? Int == project.cohortMembers(cohort["id"] as! Int)?.count)
        #expect(cohort["project_id"] as? Int == 2_195_193)
        #expect([0, 1].contains(cohort["is_visible"] as! Int))
        #expect((cohort["created"] as! String).count == 19)
      }
      // A service account without project_id.
      #expect(try get(server, "/api/2.0/cohorts/list/", headers: basicAuth("svc:pw")).status == 400)
    }
    try await withServer(makeProject()) { server in
      let none = try get(server, "/api/query/cohorts/list")
      #expect(none.text == "[]")
    }
  }
}
