import Foundation
import Glibc
import Lake
import MixpanelFake
import Testing

@Suite("Crash safety of the binary")
struct CrashSafetyTests {
  /// The binary reads the real clock, so its fake serves up to the real today.
  static let today = FakeDay.todayUTC()

  /// Where to kill: once this many export requests have reached the fake (of 10 one-day windows,
  /// two in flight): during the first window, after a few commits, near the end.
  static let killPoints = [1, 4, 8]

  static func config(_ server: FakeServerHandle, lake: String, first: FakeDay) -> String {
    #"{"api_secret": "\#(server.project.apiSecret)", "start_date": "\#(first)", "export_api_url": "\#(server.baseURL)", "lake": "\#(lake)", "date_window_size": 1, "max_concurrent_windows": 2}"#
  }

  /// Waits (polling) until `condition` holds or the process ended; true when the condition held.
  static func wait(for condition: () -> Bool, while process: Process) async throws -> Bool {
    for _ in 0..<3_000 {
      if condition() { return true }
      if !process.isRunning { return false }
      try await Task.sleep(for: .milliseconds(5))
    }
    return false
  }

  static func manifests(_ lake: String) -> Int {
    let enumerator = FileManager.default.enumerator(atPath: lake)
    var count = 0
    while let path = enumerator?.nextObject() as? String {
      if path.hasSuffix("_manifest.json") { count += 1 }
    }
    return count
  }

  static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLIProcess.binary)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  @Test("kill -9 at any point, then the same command again: the lake equals the truth", arguments: killPoints)
  func killNine(afterRequests count: Int) async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let project = FakeProject(seed: 31, eventsPerDay: 1_500, today: Self.today)
    let first = Self.today.advanced(by: -9)
    let slow = FakeServerConfiguration(bandwidthBytesPerSecondPerConnection: 500_000)
    try await withFakeMixpanelServer(project, configuration: slow, logger: Fixture.logger) { server in
      let configPath = "\(dir.path)/config.json"
      try Self.config(server, lake: lake, first: first).write(
        toFile: configPath, atomically: true, encoding: .utf8)
      let process = try Self.start(["export", "--config", configPath, "--quiet"])
      let reached = try await Self.wait(for: { server.requestLog.count >= count }, while: process)
      #expect(reached, "the run reached request \(count) before it ended")
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      // Killed mid-run: it never got to mark the run complete.
      #expect(!FileManager.default.fileExists(atPath: "\(lake)/_SUCCESS"))
      let rerun = try await CLIProcess.run(["export", "--config", configPath, "--quiet"])
      #expect(rerun.status == 0, "\(rerun.stderr)")
    }
    let truth = project.truth(from: first, to: Self.today)
    let census = try LakeReader(root: lake).census()
    #expect(census.rows == truth.byDay)
    #expect(Set(census.insertIDs).count == census.insertIDs.count)
    #expect(census.insertIDs.count == truth.total)
  }

  @Test("SIGTERM: exit 143, temporary files removed, committed windows kept, a rerun completes")
  func sigterm() async throws {
    let dir = TemporaryDirectory()
    let lake = "\(dir.path)/lake"
    let project = FakeProject(seed: 32, eventsPerDay: 1_500, today: Self.today)
    let first = Self.today.advanced(by: -9)
    let slow = FakeServerConfiguration(bandwidthBytesPerSecondPerConnection: 500_000)
    try await withFakeMixpanelServer(project, configuration: slow, logger: Fixture.logger) { server in
      let configPath = "\(dir.path)/config.json"
      try Self.config(server, lake: lake, first: first).write(
        toFile: configPath, atomically: true, encoding: .utf8)
      let process = try Self.start(["export", "--config", configPath, "--quiet"])
      #expect(try await Self.wait(for: { Self.manifests(lake) >= 1 }, while: process))
      kill(process.processIdentifier, SIGTERM)
      process.waitUntilExit()
      #expect(process.terminationStatus == 143)
      #expect(WindowFailureTests.hiddenFiles(lake).isEmpty)
      #expect(!FileManager.default.fileExists(atPath: "\(lake)/_SUCCESS"))
      let rerun = try await CLIProcess.run(["export", "--config", configPath, "--quiet"])
      #expect(rerun.status == 0, "\(rerun.stderr)")
    }
    let census = try LakeReader(root: lake).census()
    #expect(census.rows == project.truth(from: first, to: Self.today).byDay)
    #expect(Set(census.insertIDs).count == census.insertIDs.count)
  }
}
