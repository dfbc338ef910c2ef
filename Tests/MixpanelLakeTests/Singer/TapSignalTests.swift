import Foundation
import Glibc
import MixpanelFake
import Testing

@Suite("tap-mixpanel-lake stopped by a signal")
struct TapSignalTests {
  @Test(
    "SIGTERM after the first RECORD (as Meltano's config test does): exit 143, no spool or part file left")
  func sigtermCleansUp() async throws {
    let scratch = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let project = FakeProject(seed: 71, eventsPerDay: 300, today: today)
    // The first request answers at once; every later one dribbles a byte a second, so the tap
    // is mid-window when the signal comes.
    let faults = FakeFaults(
      dribble: .init(
        rule: FaultRule(rate: 1, maxInjections: 1_000, after: 1), chunkBytes: 1, interval: .seconds(1)))
    let status = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server -> Int32 in
      let config = "\(scratch.path)/config.json"
      try #"""
      {"api_secret": "\#(server.project.apiSecret)", "start_date": "\#(today.advanced(by: -3))",
       "date_window_size": 1, "max_concurrent_windows": 1, "export_api_url": "\#(server.baseURL)"}
      """#.write(toFile: config, atomically: true, encoding: .utf8)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: SingerTargetTests.tapBinary)
      process.arguments = ["-c", config]
      var environment = ProcessInfo.processInfo.environment
      environment["TMPDIR"] = scratch.path
      process.environment = environment
      let stdout = Pipe()
      process.standardOutput = stdout
      process.standardError = FileHandle.nullDevice
      try process.run()
      var seen = Data()
      while !String(decoding: seen, as: UTF8.self).contains(#""type":"RECORD""#) {
        let chunk = stdout.fileHandleForReading.availableData
        if chunk.isEmpty { break }  // the tap ended before any record
        seen += chunk
      }
      kill(process.processIdentifier, SIGTERM)
      _ = stdout.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return process.terminationStatus
    }
    #expect(status == 143)
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter {
      $0.hasPrefix(".tap-mixpanel-lake")
    }
    #expect(left.isEmpty, "spool folders left: \(left)")
  }
}
