import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("Export end to end over loopback")
struct ExportEndToEndTests {
  @Test("30 days × 2,000 events: rows per day equal the truth, each $insert_id once, DuckDB agrees")
  func thirtyDays() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 7, eventsPerDay: 2_000, today: Fixture.today)
    let first = Fixture.today.advanced(by: -29)
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(first)",
          extra: ["date_window_size": .integer(7), "max_concurrent_windows": .integer(3)]))
    }
    let truth = project.truth(from: first, to: Fixture.today)
    #expect(summary.failedWindows.isEmpty)
    #expect(summary.plannedWindows == 5)
    #expect(summary.rows == truth.total)
    let census = try LakeReader(root: lake.path).census()
    #expect(census.rows == truth.byDay)
    #expect(census.insertIDs.count == truth.total)
    #expect(Set(census.insertIDs).count == census.insertIDs.count)
    #expect(try DuckDB.rowsPerDay(lake: lake.path) == truth.byDay)
    #expect(FileManager.default.fileExists(atPath: "\(lake.path)/_SUCCESS"))
    let state = try StateStore.read("\(lake.path)/_state.json")
    #expect(state.bookmarks["export"]?.hasPrefix("\(Fixture.today)T") == true)
  }

  @Test("export_where reaches Mixpanel intact: the lake holds exactly the matching events")
  func exportWhere() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 9, eventsPerDay: 600, today: Fixture.today)
    let first = Fixture.today.advanced(by: -2)
    // Quotes, brackets, spaces and '&' must survive the query string.
    let expression = #"properties["mp_lib"] == "python" and properties["seats"] > 100 or event == "A & B""#
    _ = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(first)", extra: ["export_where": .string(expression)]))
    }
    // The same filter, computed here from the unfiltered body.
    let all = project.exportBody(from: first, to: Fixture.today).split(separator: 0x0A)
    let expected = try all.filter { line in
      let event = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
      let properties = event["properties"] as? [String: Any] ?? [:]
      return properties["mp_lib"] as? String == "python" && ((properties["seats"] as? Int) ?? 0) > 100
    }
    let reader = LakeReader(root: lake.path)
    let stored = try reader.dayFolders().flatMap { try reader.lines($0) }
    #expect(!expected.isEmpty && expected.count < all.count)
    #expect(stored.count == expected.count)
    #expect(Set(stored.map { Data($0) }) == Set(expected.map { Data($0) }))
  }

  @Test("exporting the same days again replaces their files: no duplicates, old parts gone")
  func reExportReplaces() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 3, eventsPerDay: 500, today: Fixture.today)
    let first = Fixture.today.advanced(by: -9)
    let recent = Fixture.today.advanced(by: -2)
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(lake: lake.path, server: server, start: "\(first)")
      _ = try await Fixture.run(config)
      let reader = LakeReader(root: lake.path)
      let firstBefore = try reader.partFiles("day=\(first)")
      let recentBefore = try reader.partFiles("day=\(recent)")
      // The second run re-fetches the attribution window (5 days before the bookmark) only.
      let second = try await Fixture.run(config)
      #expect(second.plannedWindows == 1)
      let recentAfter = try reader.partFiles("day=\(recent)")
      #expect(recentBefore.count == 1 && recentAfter.count == 1)
      #expect(recentBefore != recentAfter, "a new run writes new part names and removes the old ones")
      #expect(try reader.partFiles("day=\(first)") == firstBefore, "days outside the window stay")
      let census = try reader.census()
      #expect(census.rows == project.truth(from: first, to: Fixture.today).byDay)
      #expect(Set(census.insertIDs).count == census.insertIDs.count)
      let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/export/day=\(recent)"))
      #expect(manifest.files.map(\.path) == recentAfter)
      #expect(manifest.rows == project.eventCount(on: recent))
    }
  }

  @Test("gzip lakes round-trip too and DuckDB reads .jsonl.gz")
  func gzipLake() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 11, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -4)
    _ = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(
        Fixture.config(
          lake: lake.path, server: server, start: "\(first)", extra: ["compression": .string("gzip")]))
    }
    let truth = project.truth(from: first, to: Fixture.today).byDay
    #expect(try LakeReader(root: lake.path).census().rows == truth)
    #expect(try DuckDB.rowsPerDay(lake: lake.path, extension: "jsonl.gz") == truth)
  }
}
