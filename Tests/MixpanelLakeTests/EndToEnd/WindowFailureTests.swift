import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("A failing window commits nothing")
struct WindowFailureTests {
  static func visibleFiles(_ lake: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: lake)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
      let name = (path as NSString).lastPathComponent
      if name.hasPrefix("part-") { files.append(path) }
    }
    return files.sorted()
  }

  static func hiddenFiles(_ lake: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: lake)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
      if (path as NSString).lastPathComponent.hasPrefix(".part-") { files.append(path) }
    }
    return files
  }

  @Test(
    "a body ending in 'terminated early' (as text or as JSON), cut mid-line, or with a malformed line: no file, old partitions intact",
    arguments: ["terminated", "terminated-json", "cut", "malformed"])
  func faultyBody(kind: String) async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 5, eventsPerDay: 400, today: Fixture.today)
    let first = Fixture.today.advanced(by: -3)
    // A good run first: its partitions must survive the failing run untouched.
    _ = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(Fixture.config(lake: lake.path, server: server, start: "\(first)"))
    }
    let before = Self.visibleFiles(lake.path)
    let stateBefore = try StateStore.read("\(lake.path)/_state.json")
    // Every response is faulty and retries are off, so every window fails (after splitting).
    var faults = FakeFaults(seed: 1)
    let always = FaultRule(rate: 1, maxInjections: 1_000)
    switch kind {
    case "terminated": faults.terminatedEarly = .init(rule: always, linesBefore: 50)
    case "terminated-json":
      // Valid JSON, but not an event: it must not land in _out_of_window as a row.
      faults.terminatedEarly = .init(
        rule: always, linesBefore: 50, marker: #"{"error":"export terminated early"}"#)
    case "cut": faults.cutMidLine = .init(rule: always)
    default: faults.malformedLine = always
    }
    try FileSystem.remove("\(lake.path)/_state.json")
    let summary = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(first)", extra: ["max_attempts": .integer(1)]))
    }
    #expect(summary.failedWindows.count == 4)
    let message = try #require(summary.failedWindows.first?.error)
    #expect(message.contains("export \(first)..\(first)"), "names the window: \(message)")
    if kind.hasPrefix("terminated") { #expect(message.contains("terminated early")) }
    #expect(!message.contains("\n"))
    #expect(Self.visibleFiles(lake.path) == before, "committed partitions are never touched")
    #expect(Self.hiddenFiles(lake.path).isEmpty, "temporary files are removed")
    #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/_SUCCESS"))
    #expect(try StateStore.read("\(lake.path)/_state.json").bookmarks["export"] == nil)
    _ = stateBefore
  }

  @Test("a wrong secret is a 401: the run stops with an auth error and the lake stays empty")
  func unauthorized() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 5, eventsPerDay: 50, today: Fixture.today)
    let error = await #expect(throws: MixpanelAPIError.self) {
      try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
        var config = try Fixture.config(lake: lake.path, server: server, start: "2024-07-01")
        config.credentials = .projectSecret("wrong-secret")
        return try await Fixture.run(config)
      }
    }
    #expect(error?.kind == .unauthorized)
    #expect(error?.description.contains("api_secret") == true)
    #expect(error?.description.contains("wrong-secret") == false)
    #expect(Self.visibleFiles(lake.path).isEmpty)
  }
}
