import Foundation
import Testing

@testable import MixpanelFake

@Suite struct AnnotationsTests {
  static let account = FakeServiceAccount(username: "svc", secret: "pw", projectID: 2_195_193)

  func project() -> FakeProject {
    FakeProject(seed: 8, eventsPerDay: 10, today: testToday, serviceAccount: Self.account)
  }

  @Test func legacyShapeCoversTheRequestedDays() async throws {
    let project = project()
    try await withServer(project) { server in
      let response = try get(server, "/api/2.0/annotations?from_date=2024-01-01&to_date=2024-06-30")
      #expect(response.status == 200)
      let annotations = try #require(response.json()?["annotations"] as? [[String: Any]])
      let expected = project.annotations(from: day("2024-01-01"), to: day("2024-06-30"))
      #expect(expected.count > 5)
      #expect(annotations.map { $0["id"] as! Int } == expected.map(\.id))
      #expect(annotations.map { $0["date"] as! String } == expected.map(\.date))
      #expect(annotations.allSatisfy { Set($0.keys) == ["id", "project_id", "date", "description"] })
      #expect(annotations.allSatisfy { ($0["date"] as! String).count == 19 })
      let all = try get(server, "/api/query/annotations/")
      #expect((all.json()?["annotations"] as? [Any])?.count == project.allAnnotations.count)
    }
  }

  @Test func appAPIShapeWithProjectInThePath() async throws {
    let project = project()
    try await withServer(project) { server in
      let auth = basicAuth("svc:pw")
      let path = "/api/app/projects/2195193/annotations?fromDate=2024-03-01&toDate=2024-06-30"
      let response = try get(server, path, headers: auth)
      #expect(response.status == 200)
      let json = try #require(response.json())
      #expect(json["status"] as? String == "ok")
      let results = try #require(json["results"] as? [[String: Any]])
      #expect(
        results.map { $0["id"] as! Int }
          == project.annotations(from: day("2024-03-01"), to: testToday).map(\.id))
      #expect(results.allSatisfy { $0["user"] is [String: Any] && $0["tags"] is [Any] })
      let snake = try get(
        server, "/api/app/projects/2195193/annotations/?from_date=2024-03-01&to_date=2024-06-30",
        headers: auth)
      #expect(snake.body == response.body)
      let forbidden = try get(server, "/api/app/projects/1/annotations", headers: auth)
      #expect(forbidden.status == 403)
      #expect(forbidden.json()?["status"] as? String == "error")
      let unauthorized = try get(
        server, "/api/app/projects/2195193/annotations", headers: basicAuth("svc:wrong"))
      #expect(unauthorized.status == 401)
      #expect(unauthorized.json()?["status"] as? String == "error")
      let bad = try get(
        server, "/api/app/projects/2195193/annotations?fromDate=2024-03-01&toDate=2099-01-01", headers: auth)
      #expect(bad.status == 400)
      #expect(bad.json()?["error"] as? String == "to_date cannot be later than today")
    }
  }
}
