import Benchmark
import NDJSON

/// Frames one day of NDJSON fed in 64 KiB chunks (as HTTP body chunks arrive) and validates
/// every line with JSONLineScanner, as the export pipeline does before writing. The hot path
/// must not allocate per line: `mallocCountTotal` stays a small constant (the framer's carry
/// buffer growing to the longest line split across chunks), never in the thousands.
func registerFramingBenchmarks() {
  Benchmark(
    "Framing+validation",
    configuration: Suite.configuration(
      iterations: 30, seconds: 4, thresholds: Suite.thresholds(mallocs: 20),
      setup: { Fixture.warmDay() })
  ) { benchmark in
    let bytes = Fixture.dayBytes
    benchmark.startMeasurement()
    let started = ContinuousClock.now
    let (lines, checksum) = try frameAndValidate(bytes)
    let elapsed = ContinuousClock.now - started
    benchmark.stopMeasurement()
    guard lines == Fixture.dayLines else {
      benchmark.error("framed \(lines) lines, expected \(Fixture.dayLines)")
      return
    }
    blackHole(checksum)
    benchmark.measurement(.megabytesPerSecond, megabytesPerSecond(bytes.count, elapsed))
  }
}

/// Returns the number of lines and a checksum of the fields found (so nothing is optimised away).
@inline(never)
func frameAndValidate(_ bytes: [UInt8]) throws -> (lines: Int, checksum: Int) {
  var framer = LineFramer()
  var lines = 0
  var checksum = 0
  try bytes.withUnsafeBytes { all in
    var offset = 0
    while offset < all.count {
      let end = min(offset + Fixture.chunkBytes, all.count)
      try framer.feed(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { line in
        let fields = try JSONLineScanner.scan(line)
        lines += 1
        checksum &+= Int(truncatingIfNeeded: fields.time ?? 0) &+ (fields.insertID?.count ?? 0)
      }
      offset = end
    }
  }
  try framer.finish { line in
    let fields = try JSONLineScanner.scan(line)
    lines += 1
    checksum &+= Int(truncatingIfNeeded: fields.time ?? 0)
  }
  return (lines, checksum)
}
