import Benchmark
import MixpanelFake
import MixpanelLake

/// The whole export: ExportRun fetches 3 days × 20,000 events from the in-process fake
/// Mixpanel over loopback HTTP (no transfer gzip, rate limits lifted) into a new lake, one
/// window per day, up to 4 windows at once. The fake server runs in the same process, so its
/// allocations and memory (the rendered day bodies, about 52 MB) are part of what is measured;
/// starting and stopping the server is not.
func registerPipelineBenchmarks() {
  Benchmark(
    "Pipeline export 3x20000 zstd-3",
    configuration: Suite.configuration(
      iterations: 10, seconds: 20, thresholds: Suite.thresholds(mallocsPercent: 10),
      setup: { Fixture.warmExport() })
  ) { benchmark in
    try await withFakeMixpanelServer(Fixture.project, logger: Fixture.logger) { server in
      let lake = ScratchDirectory("pipeline")
      defer { lake.remove() }
      let config = try ConfigLoader.parse([
        "api_secret": .string(Fixture.project.apiSecret),
        "start_date": .string("\(Fixture.firstDay)"), "end_date": .string("\(Fixture.today)"),
        "export_api_url": .string(server.baseURL), "lake": .string(lake.path),
        "compression": .string("zstd"), "date_window_size": .integer(1),
        "max_concurrent_windows": .integer(4), "http_compression": .bool(false),
        "export_requests_per_second": .integer(1000), "export_requests_per_hour": .integer(1_000_000),
      ])
      let run = ExportRun(config: config, logger: Fixture.logger, now: { Fixture.now })
      benchmark.startMeasurement()
      let started = ContinuousClock.now
      let summary = try await run.run()
      let elapsed = ContinuousClock.now - started
      benchmark.stopMeasurement()
      let rows = summary.rowsPerDay.values.reduce(0, +)
      guard rows == Fixture.export.lines else {
        benchmark.error("exported \(rows) rows, expected \(Fixture.export.lines)")
        return
      }
      benchmark.measurement(.megabytesPerSecond, megabytesPerSecond(Fixture.export.bytes, elapsed))
    }
  }
}
