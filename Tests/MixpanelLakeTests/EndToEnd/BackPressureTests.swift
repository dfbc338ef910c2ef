import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Synchronization
import Testing

@Suite("Back-pressure from the disk to the server")
struct BackPressureTests {
  @Test("with a slow writer and a fast server, bytes in flight stay under a fixed bound")
  func boundedBuffering() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 51, eventsPerDay: 20_000, today: Fixture.today)
    let first = Fixture.today.advanced(by: -2)
    let progress = ExportProgress()
    let maxInFlight = Mutex(0)
    let samples = Mutex(0)
    let bound = 10 << 20
    try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      var config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        extra: [
          "http_compression": .bool(false), "date_window_size": .integer(3),
          "max_part_bytes": .integer(1 << 16),
        ])
      // A slow disk: every part-file write takes 20 ms. At each write, compare what the server
      // has handed to its socket with what the exporter has consumed.
      config.failureInjector = FailureInjector { path in
        guard path.contains(".part-") else { return nil }
        usleep(20_000)
        let sent = server.requestLog.entries.reduce(0) { $0 + $1.bytesSent }
        let inFlight = sent - progress.bytesIn
        maxInFlight.withLock { $0 = max($0, inFlight) }
        samples.withLock { $0 += 1 }
        return nil
      }
      _ = try await ExportRun(
        config: config, logger: Fixture.logger, now: { Fixture.now }, progress: progress
      )
      .run()
      let total = server.requestLog.entries.reduce(0) { $0 + $1.bytesSent }
      #expect(total > 4 * bound, "the body is much larger than the bound (\(total) bytes)")
    }
    #expect(samples.withLock { $0 } > 20)
    let worst = maxInFlight.withLock { $0 }
    #expect(worst < bound, "at most \(worst) bytes were buffered between the server and the writer")
    print("back-pressure: at most \(worst / 1024) KiB in flight")
  }
}
