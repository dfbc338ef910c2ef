import Benchmark

extension BenchmarkMetric {
  /// Uncompressed NDJSON megabytes (10^6 bytes) per second of one iteration: the figure the
  /// README compares across benchmarks (framing+validation vs zstd -3 on the same bytes, …).
  static var megabytesPerSecond: BenchmarkMetric {
    .custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
  }
}

/// Settings shared by every benchmark in the suite.
enum Suite {
  /// What each benchmark reports. Only `mallocCountTotal` and `peakMemoryResident` are recorded
  /// as committed thresholds (see README.md): time on these shared 2-core machines is too noisy
  /// for an absolute threshold.
  static var metrics: [BenchmarkMetric] {
    [.wallClock, .throughput, .megabytesPerSecond, .mallocCountTotal, .peakMemoryResident]
  }

  /// Tolerances for `swift package benchmark thresholds check` (and `baseline check`).
  /// - Parameters:
  ///   - mallocs: allowed growth of `mallocCountTotal` at p90 over the committed value, absolute.
  ///   - mallocsPercent: the same, relative (both are checked when both are given).
  static func thresholds(mallocs: Int? = nil, mallocsPercent: Double? = nil)
    -> [BenchmarkMetric: BenchmarkThresholds]
  {
    var absolute: BenchmarkThresholds.AbsoluteThresholds = [:]
    var relative: BenchmarkThresholds.RelativeThresholds = [:]
    if let mallocs { absolute[.p90] = mallocs }
    if let mallocsPercent { relative[.p90] = mallocsPercent }
    return [
      .mallocCountTotal: BenchmarkThresholds(relative: relative, absolute: absolute),
      // Peak RSS of the whole benchmark process (fixture included): 25 % either way.
      .peakMemoryResident: BenchmarkThresholds(relative: [.p90: 25]),
      // Time is reported, never checked: these tolerances only keep a `thresholds update` run
      // without `--metric` from committing a check that fails on noise.
      .wallClock: BenchmarkThresholds(relative: [.p90: 1_000]),
      .throughput: BenchmarkThresholds(relative: [.p90: 100]),
      .megabytesPerSecond: BenchmarkThresholds(relative: [.p90: 100]),
    ]
  }

  static func configuration(
    iterations: Int, seconds: Int, thresholds: [BenchmarkMetric: BenchmarkThresholds],
    setup: @escaping Benchmark.BenchmarkSetupHook
  ) -> Benchmark.Configuration {
    .init(
      metrics: metrics, timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
      maxDuration: .seconds(seconds), maxIterations: iterations, thresholds: thresholds,
      setup: setup)
  }
}
