import CalendarDay
import Foundation
import Glibc
import Lake
import MixpanelAPI
import MixpanelFake
import Testing

@testable import MixpanelLake

@Suite("Edge cases: absurd times, dedupe keys, 'terminated early' as data, a failed direct-mode manifest")
struct RecordEdgeCaseTests {
  /// A writer for one export window of 2024-06-01 in `lake`.
  static func oneDayWriter(_ lake: String) -> WindowWriter {
    let day = Day("2024-06-01")!
    return WindowWriter(
      lakeRoot: lake, stream: "export",
      window: ManifestWindow(id: "w", fromDate: "\(day)", toDate: "\(day)"), days: day...day, runID: "r",
      settings: WriterSettings())
  }

  @Test("an absurd properties.time is kept out of the day partitions instead of crashing")
  func extremeTimes() throws {
    let lake = TemporaryDirectory()
    let writer = Self.oneDayWriter(lake.path)
    for milliseconds in [false, true] {
      let router = LineRouter(
        writer: writer, timeInMilliseconds: milliseconds, flat: true, dedupe: true,
        legacyZone: TimeZone(identifier: "Asia/Tokyo"))
      for time in ["-9223372036854775807", "9223372036854775807", "-9223372036854775808"] {
        let line = Array(#"{"event":"x","properties":{"time":\#(time),"$insert_id":"a"}}"#.utf8)
        try line.withUnsafeBytes { try router.route($0) }
      }
    }
    let summary = try writer.commit(committedAt: 0)
    #expect(summary.outOfWindowRows == 6 && summary.rows == 6)
  }

  @Test("dedupe never merges events without $insert_id, nor numeric distinct_ids that differ")
  func dedupeKeys() throws {
    let lake = TemporaryDirectory()
    let writer = Self.oneDayWriter(lake.path)
    let router = LineRouter(
      writer: writer, timeInMilliseconds: false, flat: false, dedupe: true, legacyZone: nil)
    let lines = [
      #"{"event":"View","properties":{"time":1717243512,"distinct_id":"u"}}"#,
      #"{"event":"View","properties":{"time":1717243512,"distinct_id":"u"}}"#,
      #"{"event":"View","properties":{"time":1717243512,"distinct_id":123,"$insert_id":"i"}}"#,
      #"{"event":"View","properties":{"time":1717243512,"distinct_id":456,"$insert_id":"i"}}"#,
      #"{"event":"View","properties":{"time":1717243512,"distinct_id":456,"$insert_id":"i"}}"#,
    ]
    for line in lines { try Array(line.utf8).withUnsafeBytes { try router.route($0) } }
    #expect(router.duplicatesDropped == 1)
    #expect(try writer.commit(committedAt: 0).rows == 4)
  }

  @Test(
    "'terminated early' inside an event's properties is data; as a JSON line of its own it fails the window")
  func terminatedEarlyInJSON() throws {
    let lake = TemporaryDirectory()
    let writer = Self.oneDayWriter(lake.path)
    let router = LineRouter(
      writer: writer, timeInMilliseconds: false, flat: false, dedupe: false, legacyZone: nil)
    let event = #"{"event":"Job Ended","properties":{"time":1717243512,"status":"terminated early"}}"#
    try Array(event.utf8).withUnsafeBytes { try router.route($0) }
    for marker in [#"{"error":"export terminated early"}"#, #"["terminated early"]"#] {
      #expect(throws: WindowError.self, "\(marker)") {
        try Array(marker.utf8).withUnsafeBytes { try router.route($0) }
      }
    }
    #expect(try writer.commit(committedAt: 0).rows == 1)
  }

  @Test("direct mode: a manifest failure on day 2 does not delete day 1, which already committed")
  func directPartialCommit() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 81, eventsPerDay: 200, today: Fixture.today)
    let first = Fixture.today.advanced(by: -1)
    let failing = "day=\(Fixture.today)/._manifest.json.tmp"
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      var config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        extra: ["commit_mode": .string("direct"), "max_attempts": .integer(1)])
      config.failureInjector = FailureInjector { path in path.hasSuffix(failing) ? EIO : nil }
      let error = await #expect(throws: LakeError.self) { try await Fixture.run(config) }
      #expect(error?.isLocalIO == true)
    }
    let reader = LakeReader(root: lake.path)
    let manifest = try #require(try ManifestStore.read(directory: "\(lake.path)/export/day=\(first)"))
    #expect(!manifest.files.isEmpty)
    #expect(try reader.partFiles("day=\(first)") == manifest.files.map(\.path), "every listed file exists")
  }
}
