import Foundation
import InMemoryLogging
import Lake
import Logging
import MixpanelFake
import TestSupport
import Testing

@testable import MixpanelLake

@Suite("legacy_project_timezone checked against the data")
struct TimeZoneCheckTests {
  /// Gaps of live events: `time` a few seconds before processing, plus some late ones.
  static func gaps(shift: Int64) -> [Int64] {
    (0..<200).map { index in shift - Int64(index % 7) - (index % 25 == 0 ? 86_400 : 0) }
  }

  @Test("the median gap names the setting the data fits; zones near UTC and few events say nothing")
  func verdicts() {
    let tokyo: Int64 = 32_400
    let losAngeles: Int64 = -25_200
    #expect(
      TimeZoneCheck.verdict(gaps: Self.gaps(shift: tokyo), offset: tokyo, legacy: false) == .looksLegacy)
    #expect(
      TimeZoneCheck.verdict(gaps: Self.gaps(shift: losAngeles), offset: losAngeles, legacy: false)
        == .looksLegacy)
    #expect(TimeZoneCheck.verdict(gaps: Self.gaps(shift: 0), offset: tokyo, legacy: true) == .looksUTC)
    #expect(TimeZoneCheck.verdict(gaps: Self.gaps(shift: 0), offset: tokyo, legacy: false) == nil)
    #expect(TimeZoneCheck.verdict(gaps: Self.gaps(shift: tokyo), offset: tokyo, legacy: true) == nil)
    #expect(TimeZoneCheck.verdict(gaps: Self.gaps(shift: 1_800), offset: 1_800, legacy: false) == nil)
    #expect(
      TimeZoneCheck.verdict(gaps: Array(Self.gaps(shift: tokyo).prefix(5)), offset: tokyo, legacy: false)
        == nil)
  }

  @Test(
    "the sample reads a part's first lines and stops: 200 of 50,000, in order, whole, and never reaches a broken tail; zstd and gzip",
    arguments: [Compression.zstd, .gzip])
  func sampleStopsEarly(compression: Compression) throws {
    let dir = TemporaryDirectory()
    let path = "\(dir.path)/part.jsonl"
    // Noise the codecs cannot squeeze, so that one read chunk holds a few hundred lines.
    var state: UInt64 = 7
    let lines = (0..<50_000).map { index in
      let noise = (0..<4).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return String(state, radix: 16)
      }
      return #"{"event":"e","properties":{"time":\#(index),"noise":"\#(noise.joined())"}}"#
    }
    let raw = Array((lines.joined(separator: "\n") + "\n").utf8)
    let stored = try StreamingCompressor.compressAll(raw, compression, level: 3)
    try Data(stored).write(to: URL(fileURLWithPath: path))
    var seen: [String] = []
    try PartFileReader.readLines(path: path, compression: compression) {
      seen.append(String(decoding: $0, as: UTF8.self))
      return seen.count < 200
    }
    #expect(seen.count == 200, "handed out \(seen.count) lines")
    #expect(seen == Array(lines.prefix(seen.count)))
    var all = 0
    try PartFileReader.readLines(path: path, compression: compression) { _ in
      all += 1
      return true
    }
    #expect(all == 50_000)
    // The same part with a broken tail: reading all of it fails, the sample never gets there.
    let broken = "\(dir.path)/broken.jsonl"
    try Data(stored + [UInt8](repeating: 0xA5, count: 4_096)).write(to: URL(fileURLWithPath: broken))
    #expect(throws: LakeError.self) {
      try PartFileReader.readLines(path: broken, compression: compression) { _ in true }
    }
    var sampled = 0
    try PartFileReader.readLines(path: broken, compression: compression) { _ in
      sampled += 1
      return sampled < 200
    }
    #expect(sampled == 200)
  }

  @Test(
    "end to end: a UTC project configured as legacy warns once with the value that fits; configured right, no warning",
    arguments: [true, false])
  func warnsOnceOnMismatch(legacy: Bool) async throws {
    let lake = TemporaryDirectory()
    let logs = InMemoryLogHandler()
    var logger = Logger(label: "zone-test") { _ in logs }
    logger.logLevel = .warning
    let project = FakeProject(seed: 33, eventsPerDay: 300, today: Fixture.today)
    let summary = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(Fixture.today.advanced(by: -4))",
        extra: [
          "project_timezone": .string("Asia/Tokyo"), "legacy_project_timezone": .bool(legacy),
          "date_window_size": .integer(1),
        ])
      return try await ExportRun(config: config, logger: logger, clock: VirtualClock(), now: { Fixture.now })
        .run()
    }
    #expect(summary.failedWindows.isEmpty)
    let warnings = logs.entries.filter { "\($0.message)" == "config.legacy_project_timezone_mismatch" }
    #expect(warnings.count == (legacy ? 1 : 0))
    if legacy {
      #expect(warnings.first?.metadata["data_fits"].map { "\($0)" } == "legacy_project_timezone: false")
    }
  }
}
