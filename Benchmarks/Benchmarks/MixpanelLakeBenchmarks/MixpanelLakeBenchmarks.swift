import Benchmark

/// The suite: `swift package benchmark` from `Benchmarks/` runs every benchmark below.
///
/// | benchmark                    | one iteration                                                |
/// |------------------------------|--------------------------------------------------------------|
/// | `Framing+validation`         | LineFramer + JSONLineScanner over one day (20,000 lines)     |
/// | `Codec zstd-3` / `gzip-6`    | StreamingCompressor alone over the same day                  |
/// | `PartWriter zstd-3`/`gzip-6` | framing + validation + WindowWriter → part file → commit     |
/// | `Pipeline export 3x20000`    | ExportRun against the in-process fake, 3 days into a new lake |
let benchmarks: @Sendable () -> Void = {
  registerFramingBenchmarks()
  registerCodecBenchmarks()
  registerPartWriterBenchmarks()
  registerPipelineBenchmarks()
}
