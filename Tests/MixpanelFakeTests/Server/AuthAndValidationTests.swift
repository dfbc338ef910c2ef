import Foundation
import Testing

@testable import MixpanelFake

@Suite struct AuthAndValidationTests {
  static let account = FakeServiceAccount(
    username: "exporter.4f1c2a.mp-service-account", secret: "s3cr3t", projectID: 2_195_193)

  @Test(arguments: [
    ("fake-secret:", 200), ("fake-secret", 200), ("wrong:", 401), ("fake-secret:password", 401), ("", 401),
  ])
  func projectSecretVariants(credentials: String, status: Int) async throws {
    try await withServer { server in
      let response = try get(server, exportPath("2024-06-01", "2024-06-01"), headers: basicAuth(credentials))
      #expect(response.status == status)
      if status == 401 {
        #expect(response.json()?["error"] as? String == "Invalid username or secret")
        #expect(response.json()?["request"] as? String == exportPath("2024-06-01", "2024-06-01"))
      }
    }
  }

  @Test func missingAuthorizationIs401() async throws {
    try await withServer { server in
      let response = try get(server, exportPath("2024-06-01", "2024-06-01"), headers: [:])
      #expect(response.status == 401)
    }
  }

  @Test func plainTextCredentialsAreAccepted() async throws {
    try await withServer { server in
      let response = try get(
        server, exportPath("2024-06-01", "2024-06-01"), headers: ["Authorization": "Basic fake-secret:"])
      #expect(response.status == 200)
    }
  }

  @Test func serviceAccountNeedsItsProjectID() async throws {
    let project = makeProject(serviceAccount: Self.account)
    try await withServer(project) { server in
      let auth = basicAuth("\(Self.account.username):\(Self.account.secret)")
      let ok = try get(server, exportPath("2024-06-01", "2024-06-01", "&project_id=2195193"), headers: auth)
      #expect(ok.status == 200)
      #expect(!ok.body.isEmpty)
      let missing = try get(server, exportPath("2024-06-01", "2024-06-01"), headers: auth)
      #expect(missing.status == 400)
      #expect((missing.json()?["error"] as? String)?.contains("project_id") == true)
      let forbidden = try get(server, exportPath("2024-06-01", "2024-06-01", "&project_id=1"), headers: auth)
      #expect(forbidden.status == 403)
      let wrongSecret = basicAuth("\(Self.account.username):nope")
      let rejected = try get(
        server, exportPath("2024-06-01", "2024-06-01", "&project_id=2195193"), headers: wrongSecret)
      #expect(rejected.status == 401)
    }
  }

  @Test(arguments: [
    ("/api/2.0/export?to_date=2024-06-01", "Error in from_date: missing required parameter"),
    ("/api/2.0/export?from_date=2024-06-01", "Error in to_date: missing required parameter"),
    ("/api/2.0/export?from_date=2024-13-01&to_date=2024-06-01", "Error in from_date: invalid date"),
    ("/api/2.0/export?from_date=2024-06-01&to_date=June", "Error in to_date: invalid date"),
    ("/api/2.0/export?from_date=2024-06-02&to_date=2024-06-01", "from_date cannot be later than to_date"),
    ("/api/2.0/export?from_date=2024-06-01&to_date=2024-07-01", "to_date cannot be later than today"),
    (
      "/api/2.0/export?from_date=2024-06-01&to_date=2024-06-01&event=Purchase",
      "Error in event: invalid JSON array of event names"
    ),
    (
      "/api/2.0/export?from_date=2024-06-01&to_date=2024-06-01&event=%5B1%5D",
      "Error in event: invalid JSON array of event names"
    ),
    (
      "/api/2.0/export?from_date=2024-06-01&to_date=2024-06-01&limit=0",
      "Error in limit: must be an integer between 1 and 100000"
    ),
    (
      "/api/2.0/export?from_date=2024-06-01&to_date=2024-06-01&limit=100001",
      "Error in limit: must be an integer between 1 and 100000"
    ),
    ("/api/2.0/export?from_date=2024-06-01&to_date=2024-06-01&where=x", "invalid where expression"),
  ])
  func badRequestsAre400(target: String, message: String) async throws {
    try await withServer { server in
      let response = try get(server, target)
      #expect(response.status == 400)
      #expect(response.json()?["error"] as? String == message)
      #expect(response.json()?["request"] as? String == target)
    }
  }

  @Test func todayItselfIsAllowed() async throws {
    try await withServer { server in
      let response = try get(server, exportPath("2024-06-30", "2024-06-30", "&limit=100000"))
      #expect(response.status == 200)
    }
  }
}
