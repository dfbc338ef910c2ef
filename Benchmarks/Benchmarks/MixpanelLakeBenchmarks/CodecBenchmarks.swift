import Benchmark
import Lake

/// The codec alone on the same day of bytes, fed the way a part file feeds it (64 KiB staging
/// blocks, output drained every 128 KiB): the in-process counterpart of `zstd -3 -T1` and
/// `gzip -6` in compare.sh. One iteration creates the compressor (context allocation included).
func registerCodecBenchmarks() {
  for (compression, level) in [(Compression.zstd, 3), (Compression.gzip, 6)] {
    Benchmark(
      "Codec \(compression.rawValue)-\(level)",
      configuration: Suite.configuration(
        iterations: compression == .zstd ? 15 : 6, seconds: compression == .zstd ? 6 : 10,
        thresholds: Suite.thresholds(mallocs: 30), setup: { Fixture.warmDay() })
    ) { benchmark in
      let bytes = Fixture.dayBytes
      var output: [UInt8] = []
      output.reserveCapacity(256 << 10)
      benchmark.startMeasurement()
      let started = ContinuousClock.now
      let stored = try compressDay(bytes, compression, level: level, output: &output)
      let elapsed = ContinuousClock.now - started
      benchmark.stopMeasurement()
      blackHole(stored)
      benchmark.measurement(.megabytesPerSecond, megabytesPerSecond(bytes.count, elapsed))
    }
  }
}

/// Compresses `bytes` in 64 KiB blocks; returns the compressed size.
@inline(never)
func compressDay(_ bytes: [UInt8], _ compression: Compression, level: Int, output: inout [UInt8])
  throws -> Int
{
  var compressor = try StreamingCompressor(compression, level: level)
  var stored = 0
  let block = 64 << 10
  var offset = 0
  while offset < bytes.count {
    let end = min(offset + block, bytes.count)
    try bytes[offset..<end].withUnsafeBytes { try compressor.compress($0, into: &output) }
    if output.count >= 128 << 10 {
      stored += output.count
      output.removeAll(keepingCapacity: true)
    }
    offset = end
  }
  try compressor.finish(into: &output)
  stored += output.count
  output.removeAll(keepingCapacity: true)
  return stored
}
