import CalendarDay
import Foundation
import Lake
import MixpanelFake
import MixpanelLake
import Testing

@Suite("verify: files against manifests, rows against Mixpanel's counts")
struct VerifyTests {
  static func project(duplicateShare: Double = 0) -> FakeProject {
    FakeProject(seed: 11, eventsPerDay: 400, today: Fixture.today, duplicateShare: duplicateShare)
  }

  @Test("a freshly exported lake passes, every day's count equal to Mixpanel's")
  func goodLakePasses() async throws {
    let dir = TemporaryDirectory()
    try await withFakeMixpanelServer(Self.project(), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: "\(dir.path)/lake", server: server)
      _ = try await Fixture.run(config)
      let report = try await VerifyFixture.verify(config)
      #expect(report.problems.isEmpty, "\(report.problems)")
      #expect(report.passed)
      #expect(report.partitions == 5)
      #expect(report.countedDays == 5)
      #expect(report.dayCounts.allSatisfy { $0.verdict == .equal && $0.settled })
      #expect(report.rows == report.dayCounts.reduce(0) { $0 + $1.lakeRows })
      // One events/names call and one /events call (all names fit one batch).
      #expect(server.requestLog.entries.filter { $0.path.contains("/api/query/events") }.count == 2)
    }
  }

  @Test("exact duplicates in the export are counted once, as Mixpanel does")
  func duplicatesAreNotMismatches() async throws {
    let dir = TemporaryDirectory()
    try await withFakeMixpanelServer(Self.project(duplicateShare: 0.05), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: "\(dir.path)/lake", server: server)
      _ = try await Fixture.run(config)
      let report = try await VerifyFixture.verify(config)
      #expect(report.passed, "\(report.problems)")
      let duplicates = report.dayCounts.reduce(0) { $0 + $1.lakeRows - $1.lakeDistinctRows }
      #expect(duplicates > 0)
      #expect(report.dayCounts.allSatisfy { $0.lakeDistinctRows == $0.mixpanelRows })
    }
  }

  @Test("a deleted part file is named as missing")
  func deletedPartFile() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try await withFakeMixpanelServer(Self.project(), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: lake, server: server)
      _ = try await Fixture.run(config)
      let part = try VerifyFixture.firstPart(lake, "2024-07-02")
      try FileSystem.remove(part.path)
      let report = try await VerifyFixture.verify(config)
      #expect(!report.passed)
      #expect(report.errors.map(\.kind) == [.missingFile])
      #expect(report.errors.first?.location == "export/day=2024-07-02/\(part.name)")
      // The damaged day is left out of the count comparison; the others still agree.
      #expect(
        report.dayCounts.map { "\($0.day)" } == ["2024-07-01", "2024-07-03", "2024-07-04", "2024-07-05"])
    }
  }

  @Test(
    "a manifest naming a file outside its partition ('../../…', a path, '..') is a bad manifest; nothing outside is read or deleted",
    arguments: ["../../../outside.jsonl.zst", "sub/part.jsonl.zst", "..", ""])
  func manifestPathOutsidePartition(name: String) async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try await withFakeMixpanelServer(Self.project(), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: lake, server: server)
      _ = try await Fixture.run(config)
      let folder = "\(lake)/export/day=2024-07-02"
      let outside = "\(dir.path)/outside.jsonl.zst"
      try FileSystem.writeAtomically(Array("precious".utf8), to: outside)
      let manifestPath = "\(folder)/_manifest.json"
      var json =
        try JSONSerialization.jsonObject(with: Data(try FileSystem.read(manifestPath))) as! [String: Any]
      var files = json["files"] as! [[String: Any]]
      files[0]["path"] = name
      json["files"] = files
      try FileSystem.writeAtomically(
        Array(try JSONSerialization.data(withJSONObject: json)), to: manifestPath)
      let report = try await VerifyFixture.verify(config)
      #expect(!report.passed)
      #expect(report.errors.map(\.kind) == [.badManifest], "\(report.errors)")
      #expect(report.errors.first?.message.contains("not a file inside its partition") == true)
      // A rerun over the day stops with the same fix and never touches the outside file.
      await #expect(throws: LakeError.self) { _ = try await Fixture.run(config) }
      #expect(try FileSystem.read(outside) == Array("precious".utf8))
    }
  }

  @Test("a truncated part file fails its size, checksum and decompression checks")
  func truncatedPartFile() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try await withFakeMixpanelServer(Self.project(), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: lake, server: server)
      _ = try await Fixture.run(config)
      try VerifyFixture.truncate(lake, "2024-07-04", by: 7)
      let report = try await VerifyFixture.verify(config, skipCounts: true)
      #expect(!report.passed)
      #expect(report.errors.map(\.kind) == [.sizeMismatch, .checksumMismatch, .undecompressable])
      #expect(report.errors.allSatisfy { $0.location.hasPrefix("export/day=2024-07-04/part-") })
      #expect(report.countedDays == nil)
    }
  }

  @Test("a part re-written without one line passes the file checks, fails the Mixpanel count")
  func rowsNoLongerMatchMixpanel() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try await withFakeMixpanelServer(Self.project(), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: lake, server: server)
      _ = try await Fixture.run(config)
      try VerifyFixture.dropLastLine(lake, "2024-07-03")
      let filesOnly = try await VerifyFixture.verify(config, skipCounts: true)
      #expect(filesOnly.passed, "\(filesOnly.problems)")
      let report = try await VerifyFixture.verify(config)
      #expect(!report.passed)
      #expect(report.errors.map(\.kind) == [.countMismatch])
      #expect(report.errors.first?.location == "export 2024-07-03")
      #expect(report.errors.first?.message.contains("1 fewer rows") == true)
      let day = try #require(report.dayCounts.first { "\($0.day)" == "2024-07-03" })
      #expect(day.verdict == .lakeShort(1))
    }
  }

  @Test("a shortfall on a day inside the lookback window only warns")
  func recentDaysOnlyWarn() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try await withFakeMixpanelServer(Self.project(), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: lake, server: server)
      _ = try await Fixture.run(config)
      try VerifyFixture.dropLastLine(lake, "2024-07-05")
      // "Today" two days after the last day: no day is older than today − (attribution_window + 1).
      let now = Date(timeIntervalSince1970: Double(Day("2024-07-07")!.startEpochSeconds + 43_200))
      let report = try await VerifyFixture.verify(config, now: now)
      #expect(report.passed)
      #expect(report.warnings.map(\.kind) == [.countMismatch])
      #expect(report.dayCounts.allSatisfy { !$0.settled })
    }
  }

  @Test("files the manifest does not list are strays; hidden temporaries are not")
  func strayFiles() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try await withFakeMixpanelServer(Self.project(), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: lake, server: server)
      _ = try await Fixture.run(config)
      let folder = VerifyFixture.folder(lake, "2024-07-01")
      try FileSystem.writeAtomically(Array("x".utf8), to: "\(folder)/part-old-00000.jsonl.zst")
      try FileSystem.writeAtomically(Array("x".utf8), to: "\(folder)/.part-new-00000.jsonl.zst.tmp")
      let report = try await VerifyFixture.verify(config, skipCounts: true)
      #expect(report.errors.map(\.kind) == [.strayFile])
      #expect(report.errors.first?.location == "export/day=2024-07-01/part-old-00000.jsonl.zst")
    }
  }

  @Test("--from/--to limit the partitions checked")
  func dayRange() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    try await withFakeMixpanelServer(Self.project(), logger: Fixture.logger) { server in
      let config = try VerifyFixture.config(lake: lake, server: server)
      _ = try await Fixture.run(config)
      try FileSystem.remove(try VerifyFixture.firstPart(lake, "2024-07-05").path)
      let options = VerifyOptions(from: Day("2024-07-02"), to: Day("2024-07-04"))
      let report = try await LakeVerifier(
        config: config, options: options, logger: Fixture.logger, now: { Fixture.now }
      ).verify()
      #expect(report.passed, "\(report.problems)")
      #expect(report.partitions == 3)
      #expect(report.countedDays == 3)
    }
  }
}
