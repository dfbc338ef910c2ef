import Foundation
import Lake
import MixpanelFake
import MixpanelLake
import Synchronization
import Testing

@Suite("Progress: windows in flight and throughput")
struct ProgressTests {
  @Test("windows in flight count the windows being read; the line shows them with MB/s over all connections")
  func inFlight() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 111, eventsPerDay: 300, today: Fixture.today)
    let progress = ExportProgress()
    let seen = Mutex<[Int]>([])
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      var config = try Fixture.config(
        lake: lake.path, server: server, start: "\(Fixture.today.advanced(by: -5))",
        extra: ["date_window_size": .integer(1), "max_concurrent_windows": .integer(3)])
      // Each part-file write happens inside a window's fetch: at least that one is in flight.
      config.failureInjector = FailureInjector { path in
        if path.contains("/.part-") { seen.withLock { $0.append(progress.windowsInFlight) } }
        return nil
      }
      let summary = try await ExportRun(
        config: config, logger: Fixture.logger, now: { Fixture.now }, progress: progress
      )
      .run()
      #expect(summary.windows.count == 6)
    }
    let samples = seen.withLock { $0 }
    #expect(!samples.isEmpty && samples.allSatisfy { (1...3).contains($0) }, "\(samples)")
    #expect(progress.windowsInFlight == 0 && progress.windowsCommitted == 6)
    let line = ProgressLine.render(
      progress: progress, windows: 6, elapsedSeconds: 2, recentBytesPerSecond: 2_345_678)
    #expect(line.hasPrefix("windows 6/6 (0 in flight)  rows \(progress.lines)  "), "\(line)")
    #expect(line.contains("  2.3 MB/s  \(progress.lines / 2) events/s"), "\(line)")
  }
}

@Suite("Wide concurrency: every window in flight has a connection")
struct ConnectionPoolTests {
  @Test("12 windows at once reach the server together (the HTTP client's default pool holds 8 per host)")
  func twelveAtOnce() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 112, eventsPerDay: 50, today: Fixture.today)
    // Every answer waits 20 s for its first byte: no request finishes while the others arrive.
    let faults = FakeFaults(
      seed: 2, slowFirstByte: .init(rule: FaultRule(rate: 1, maxInjections: 100), duration: .seconds(20)))
    let reached = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(Fixture.today.advanced(by: -11))",
        extra: [
          "date_window_size": .integer(1), "max_concurrent_windows": .integer(12),
          "export_requests_per_second": .integer(100),
        ])
      return try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
          _ = try await ExportRun(config: config, logger: Fixture.logger, now: { Fixture.now }).run()
          return false
        }
        group.addTask {
          // Polls until all 12 requests arrived, for at most the 20 s the first answers wait.
          for _ in 0..<1_500 {
            if server.requestLog.entries.filter({ $0.path.contains("export") }).count >= 12 { return true }
            try await Task.sleep(for: .milliseconds(10))
          }
          return false
        }
        let first = try await group.next() ?? false
        group.cancelAll()
        return first
      }
    }
    #expect(reached, "all 12 windows were sent before any answer came")
  }
}
