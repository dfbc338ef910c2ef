import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("Wide backfill: the defaults cut by volume and run every window at once in bounded memory")
struct WideBackfillTests {
  @Test(
    "no window keys, a bandwidth-capped fake: 60 one-day windows at once, frame bytes never above memory_budget_mb, the lake equals the truth and DuckDB agrees"
  )
  func sixtyAtOnce() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 115, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -60)
    let last = Fixture.today.advanced(by: -1)
    let progress = ExportProgress()
    // About 300 kB a day at 50 kB/s a connection, and no answer starts before 60 export
    // requests wait together: a run that opens every window at once has all 60 in flight (no
    // window can end before the last starts), however slowly a loaded machine schedules it.
    let capped = FakeServerConfiguration(
      bandwidthBytesPerSecondPerConnection: 50_000, exportGate: FakeExportGate(requests: 60))
    let (config, summary) = try await withFakeMixpanelServer(
      project, configuration: capped, logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)", end: "\(last)",
        extra: [
          "query_api_url": .string(server.baseURL), "export_requests_per_second": .integer(1_000),
          "export_requests_per_hour": .integer(10_000), "memory_budget_mb": .integer(24),
          "http_compression": .bool(false),
        ],
        fixedWindows: false)
      let run = ExportRun(
        config: config, logger: Fixture.logger, clock: ContinuousClock(), now: { Fixture.now },
        progress: progress)
      return (config, try await run.run())
    }
    let truth = project.truth(from: first, to: last)
    #expect(summary.failedWindows.isEmpty)
    #expect(summary.plannedWindows == 60, "cut by volume: one window a day, as the ramp allows")
    #expect(progress.peakWindowsInFlight == 60, "peak \(progress.peakWindowsInFlight) in flight")
    #expect(config.partMemory.peak <= 24 << 20, "peak \(config.partMemory.peak) B of frames")
    #expect(config.partMemory.held == 0)
    #expect(summary.rows == truth.total)
    let census = try LakeReader(root: lake.path).census()
    #expect(census.rows == truth.byDay)
    #expect(Set(census.insertIDs).count == truth.total)
    #expect(try DuckDB.rowsPerDay(lake: lake.path) == truth.byDay)
  }
}
