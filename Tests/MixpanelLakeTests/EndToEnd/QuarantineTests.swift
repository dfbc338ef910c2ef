import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

@Suite("malformed_lines: quarantine sets a bad line aside instead of blocking its day forever")
struct QuarantineTests {
  static let project = FakeProject(seed: 41, eventsPerDay: 300, today: Fixture.today)
  static let first = Fixture.today.advanced(by: -3)

  static func run(_ lake: String, faults: FakeFaults, extra: [String: JSONNode]) async throws -> RunSummary {
    try await withFakeMixpanelServer(
      Self.project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(
        lake: lake, server: server, start: "\(Self.first)",
        extra: ["date_window_size": .integer(2)].merging(extra) { $1 })
      return try await ExportRun(
        config: config, logger: Fixture.logger, clock: VirtualClock(), now: { Fixture.now }
      )
      .run()
    }
  }

  @Test(
    "every answer holds a broken line: with quarantine each window commits its events, the lines sit in _quarantine, the run succeeds"
  )
  func quarantineCommits() async throws {
    let lake = TemporaryDirectory()
    let always = FaultRule(rate: 1, maxInjections: 1_000)
    let summary = try await Self.run(
      lake.path, faults: FakeFaults(seed: 2, malformedLine: always),
      extra: ["malformed_lines": .string("quarantine")])
    #expect(summary.failedWindows.isEmpty, "\(summary.failedWindows.map(\.error))")
    #expect(summary.quarantinedLines == summary.windows.count && summary.windows.count == 2)
    #expect(summary.retries == 0, "a quarantined line is not retried")
    let truth = Self.project.truth(from: Self.first, to: Fixture.today)
    #expect(try LakeReader(root: lake.path).census().rows == truth.byDay)
    #expect(FileManager.default.fileExists(atPath: "\(lake.path)/_SUCCESS"))
    // The records: one JSON object per bad line, with its window and line number.
    let folder = "\(lake.path)/export/_quarantine/requested_day=\(Self.first)"
    let manifest = try #require(try ManifestStore.read(directory: folder))
    #expect(manifest.rows == 1)
    let text = try StreamingDecompressor.decompressAll(
      try FileSystem.read("\(folder)/\(manifest.files[0].path)"), .zstd)
    let record = try #require(try JSONNode(parsing: Array(text.dropLast())).objectValue)
    #expect(record.map(\.key) == ["window", "line", "error", "text"])
    #expect(record[3].value.stringValue?.contains("Broken Line") == true)
    let runRecord =
      try JSONSerialization.jsonObject(
        with: Data(try FileSystem.read("\(lake.path)/_runs/\(summary.runID).json"))) as? [String: Any]
    #expect(runRecord?["quarantined_lines"] as? Int == 2)
    // A rerun over the same days with other windows replaces the folders: no record twice.
    _ = try await Self.run(
      lake.path, faults: FakeFaults(seed: 2, malformedLine: always),
      extra: ["malformed_lines": .string("quarantine"), "date_window_size": .integer(4)])
    let folders = try FileSystem.list("\(lake.path)/export/_quarantine").sorted()
    let rows = try folders.map {
      try ManifestStore.read(directory: "\(lake.path)/export/_quarantine/\($0)")?.rows ?? 0
    }
    #expect(rows.reduce(0, +) == 1, "\(folders): \(rows)")
  }

  @Test("the default, fail, still fails the window; a cut last line is never quarantined")
  func failAndCutAreNotQuarantined() async throws {
    let lake = TemporaryDirectory()
    let always = FaultRule(rate: 1, maxInjections: 1_000)
    let failing = try await Self.run(
      lake.path, faults: FakeFaults(seed: 2, malformedLine: always), extra: ["max_attempts": .integer(1)])
    #expect(!failing.failedWindows.isEmpty && failing.quarantinedLines == 0)
    let cut = try await Self.run(
      lake.path, faults: FakeFaults(seed: 2, cutMidLine: .init(rule: always)),
      extra: ["malformed_lines": .string("quarantine"), "max_attempts": .integer(1)])
    #expect(!cut.failedWindows.isEmpty && cut.quarantinedLines == 0)
    #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/export/_quarantine"))
  }
}
