import Foundation
import MixpanelFake
import Testing

@Suite("several projects, one lake")
struct MultiProjectTests {
  @Test("each project lands under <lake>/project_id=<id>/ with its own state, equal to its truth")
  func twoProjects() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let first = today.advanced(by: -3)
    let a = FakeProject(seed: 71, eventsPerDay: 200, today: today, apiSecret: "secret-a")
    let b = FakeProject(seed: 72, eventsPerDay: 300, today: today, apiSecret: "secret-b")
    try await withFakeMixpanelServer(a, logger: Fixture.logger) { serverA in
      try await withFakeMixpanelServer(b, logger: Fixture.logger) { serverB in
        let config = """
          {"start_date": "\(first)", "lake": "\(dir.path)/lake", "compression": "zstd",
           "projects": [
             {"project_id": 101, "api_secret": "secret-a", "export_api_url": "\(serverA.baseURL)",
              "query_api_url": "\(serverA.baseURL)"},
             {"project_id": 202, "api_secret": "secret-b", "export_api_url": "\(serverB.baseURL)",
              "query_api_url": "\(serverB.baseURL)"}]}
          """
        try config.write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(["export", "--config", "\(dir.path)/c.json", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        // verify checks each project's folder against that project's own counts.
        let verify = try await CLIProcess.run(["verify", "--config", "\(dir.path)/c.json", "--quiet"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        for id in [101, 202] {
          #expect(verify.stdout.contains("project lake \(dir.path)/lake/project_id=\(id)\n"))
        }
        #expect(
          verify.stdout.components(separatedBy: "Mixpanel counts compared for 4 days (0 differ)").count == 3)
      }
    }
    for (id, project) in [(101, a), (202, b)] {
      let root = "\(dir.path)/lake/project_id=\(id)"
      #expect(FileManager.default.fileExists(atPath: "\(root)/_state.json"))
      #expect(try LakeReader(root: root).census().rows == project.truth(from: first, to: today).byDay)
    }
    // One project's missing lake is an error line; the other project is still checked.
    try FileManager.default.removeItem(atPath: "\(dir.path)/lake/project_id=101")
    let verify = try await CLIProcess.run(["verify", "--config", "\(dir.path)/c.json", "--skip-counts"])
    #expect(verify.status == 2)
    #expect(
      verify.stderr.contains("error: config key 'lake': no lake directory at \(dir.path)/lake/project_id=101")
    )
    #expect(verify.stdout.contains("project lake \(dir.path)/lake/project_id=202\n"))
    #expect(verify.stdout.hasSuffix("OK\n"), "\(verify.stdout)")
  }

  @Test("a top-level workspace_id in a projects config is an error: a data view has one project")
  func workspaceAtTopLevel() async throws {
    let dir = TemporaryDirectory()
    try
      #"{"api_secret": "x", "start_date": "2024-01-01", "workspace_id": 5, "projects": [{"project_id": 1}]}"#
      .write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
    let result = try await CLIProcess.run(["plan", "--config", "\(dir.path)/c.json"])
    #expect(result.status == 2)
    #expect(
      result.stderr.contains("workspace_id") && result.stderr.contains("inside that entry of 'projects'"))
  }

  @Test("a projects entry without project_id is a config error naming the key")
  func missingID() async throws {
    let dir = TemporaryDirectory()
    try #"{"api_secret": "x", "start_date": "2024-01-01", "projects": [{"api_secret": "y"}]}"#
      .write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
    let result = try await CLIProcess.run(["export", "--config", "\(dir.path)/c.json"])
    #expect(result.status == 2 && result.stderr.contains("'project_id'"))
  }
}
