import Foundation
import Glibc
import InMemoryLogging
import Lake
import Logging
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("Disk, state and secrets")
struct LocalFailureTests {
  @Test("a full disk mid-window: a one-line error saying to free space, committed days intact, no temp file")
  func diskFull() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 9, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -5)
    let failingDay = "day=\(Fixture.today.advanced(by: -1))"
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      var config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)", extra: ["date_window_size": .integer(3)])
      _ = try await Fixture.run(config)
      let before = WindowFailureTests.visibleFiles(lake.path)
      try FileSystem.remove("\(lake.path)/_state.json")
      config.failureInjector = FailureInjector { path in
        path.contains(failingDay) && path.contains(".part-") ? ENOSPC : nil
      }
      let error = await #expect(throws: LakeError.self) { try await Fixture.run(config) }
      #expect(error?.isLocalIO == true)
      #expect(error?.description.contains("free disk space") == true)
      #expect(error?.description.contains("\n") == false)
      let after = WindowFailureTests.visibleFiles(lake.path)
      let failingWindow = (-2...0).map { "day=\(Fixture.today.advanced(by: $0))/" }
      func inFailingWindow(_ path: String) -> Bool { failingWindow.contains { path.contains($0) } }
      #expect(
        after.filter(inFailingWindow) == before.filter(inFailingWindow),
        "no day of the failing window changed")
      #expect(WindowFailureTests.hiddenFiles(lake.path).isEmpty)
    }
  }

  @Test("a corrupt _state.json stops the run with a fix, and is never silently reset")
  func corruptState() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 9, eventsPerDay: 10, today: Fixture.today)
    let garbage = Array(#"{"bookmarks": {"export": 17"#.utf8)
    try FileSystem.writeAtomically(garbage, to: "\(lake.path)/_state.json")
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(lake: lake.path, server: server, start: "2024-07-10")
      let error = await #expect(throws: LakeError.self) { try await Fixture.run(config) }
      #expect(error?.description.contains("_state.json is corrupt") == true)
      #expect(error?.description.contains("delete it to start again") == true)
      #expect(server.requestLog.count == 0, "nothing was fetched")
    }
    #expect(try FileSystem.read("\(lake.path)/_state.json") == garbage)
  }

  @Test("secrets never reach the lake's files or the logs")
  func secretsStayOut() async throws {
    let lake = TemporaryDirectory()
    let secret = "s3cr3t-\(UInt32.random(in: 0...UInt32.max))"
    let project = FakeProject(seed: 2, eventsPerDay: 100, today: Fixture.today, apiSecret: secret)
    let logs = InMemoryLogHandler()
    var logger = Logger(label: "secret-test") { _ in logs }
    logger.logLevel = .trace
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(lake: lake.path, server: server, start: "2024-07-12")
      let summary = try await ExportRun(config: config, logger: logger, now: { Fixture.now }).run()
      #expect(summary.rows > 0)
      var bad = config
      bad.credentials = .projectSecret(secret + "-wrong")
      _ = try? await ExportRun(config: bad, logger: logger, now: { Fixture.now }).run()
    }
    let enumerator = FileManager.default.enumerator(atPath: lake.path)
    var scanned = 0
    while let path = enumerator?.nextObject() as? String {
      let full = "\(lake.path)/\(path)"
      guard !FileSystem.isDirectory(full) else { continue }
      var bytes = try FileSystem.read(full)
      if path.hasSuffix(".zst") { bytes = try StreamingDecompressor.decompressAll(bytes, .zstd) }
      #expect(!String(decoding: bytes, as: UTF8.self).contains(secret), "\(path)")
      scanned += 1
    }
    #expect(scanned > 5)
    #expect(!logs.entries.isEmpty)
    for entry in logs.entries {
      #expect(!"\(entry.message) \(entry.metadata)".contains(secret))
    }
  }
}
