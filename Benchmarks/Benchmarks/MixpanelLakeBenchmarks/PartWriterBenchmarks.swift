import Benchmark
import CalendarDay
import Lake
import NDJSON

/// Everything a window does with a day of bytes except HTTP: framing, validation, routing by
/// `properties.time`, WindowWriter (staging → compressor → SHA-256 → temporary part file), then
/// `commit` (fsync, manifest, rename) into a fresh lake directory.
func registerPartWriterBenchmarks() {
  for (compression, level) in [(Compression.zstd, 3), (Compression.gzip, 6)] {
    Benchmark(
      "PartWriter \(compression.rawValue)-\(level)",
      configuration: Suite.configuration(
        iterations: compression == .zstd ? 15 : 6, seconds: compression == .zstd ? 6 : 10,
        thresholds: Suite.thresholds(mallocs: 60), setup: { Fixture.warmDay() })
    ) { benchmark in
      let bytes = Fixture.dayBytes
      let lake = ScratchDirectory("part")
      defer { lake.remove() }
      benchmark.startMeasurement()
      let started = ContinuousClock.now
      let rows = try writeDay(bytes, lake: lake.path, compression: compression, level: level)
      let elapsed = ContinuousClock.now - started
      benchmark.stopMeasurement()
      guard rows == Fixture.dayLines else {
        benchmark.error("committed \(rows) rows, expected \(Fixture.dayLines)")
        return
      }
      benchmark.measurement(.megabytesPerSecond, megabytesPerSecond(bytes.count, elapsed))
    }
  }
}

/// Writes one day as one window and commits it; returns the rows committed.
@inline(never)
func writeDay(_ bytes: [UInt8], lake: String, compression: Compression, level: Int) throws -> Int {
  let day = Fixture.lakeToday
  let writer = WindowWriter(
    lakeRoot: lake, stream: "export",
    window: ManifestWindow(id: "bench", fromDate: "\(day)", toDate: "\(day)"), days: day...day,
    runID: "bench", settings: WriterSettings(compression: compression, level: level))
  var framer = LineFramer()
  let route: (UnsafeRawBufferPointer) throws -> Void = { line in
    let fields = try JSONLineScanner.scan(line)
    let seconds = fields.time ?? 0
    try writer.append(line, day: Day(epochSeconds: seconds), time: seconds)
  }
  do {
    try bytes.withUnsafeBytes { all in
      var offset = 0
      while offset < all.count {
        let end = min(offset + Fixture.chunkBytes, all.count)
        try framer.feed(UnsafeRawBufferPointer(rebasing: all[offset..<end]), route)
        offset = end
      }
    }
    try framer.finish(route)
    return try writer.commit(committedAt: 1_721_044_800).rows
  } catch {
    writer.discard()
    throw error
  }
}
