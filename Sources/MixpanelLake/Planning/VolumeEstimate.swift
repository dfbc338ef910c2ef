public import CalendarDay
import Foundation
import Lake
public import Logging
public import MixpanelAPI

/// What an export plan is expected to move, for `plan --volume`: Mixpanel's own per-day counts
/// over the plan's days (the counts `verify` compares with: `events/names`, then `/events` per
/// batch of 50 names, each a Query API request) and an average event size (uncompressed bytes
/// per row of the lake's newest manifests, or ``defaultBytesPerEvent`` without any).
///
/// An estimate: the counts are of project-time-zone days and the plan's days are UTC (for a
/// project created after 2023), and `export_where` is not applied to the counts.
public struct VolumeEstimate: Sendable, Equatable {
  public static let defaultBytesPerEvent = 1_000
  /// What one export connection is assumed to move, in bytes/s, unless
  /// `export_connection_mb_per_second` says otherwise: a guess at real Mixpanel, not a measurement.
  public static let assumedBandwidth = 2_000_000.0

  /// No counts to estimate from.
  public struct Unavailable: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public var description: String { reason }
  }

  public var eventsPerDay: [Day: Int]
  public var bytesPerEvent: Int
  /// Whether ``bytesPerEvent`` comes from the lake's manifests.
  public var bytesMeasured: Bool
  /// Query API requests the counts cost.
  public var requests: Int

  public init(eventsPerDay: [Day: Int], bytesPerEvent: Int, bytesMeasured: Bool, requests: Int) {
    self.eventsPerDay = eventsPerDay
    self.bytesPerEvent = bytesPerEvent
    self.bytesMeasured = bytesMeasured
    self.requests = requests
  }

  public func events(_ window: DayWindow) -> Int {
    Planner.events(in: window, perDay: eventsPerDay)
  }

  public func bytes(_ window: DayWindow) -> Int { events(window) * bytesPerEvent }

  /// `plan`'s days cut by these counts as `config` asks: at most `max_events_per_window` a
  /// window where days allow, at least ``connections(_:config:)`` windows, and, when they all
  /// start in the per-second ramp, shares that shrink as the ramp goes (``rampShares``).
  public func windows(_ plan: WindowPlan, config: LakeConfig) -> WindowPlan {
    let count = connections(plan, config: config)
    let policy = config.exportRateLimit
    let shares =
      policy.requestsPerSecond == nil
      ? nil
      : Self.rampShares(
        count: count, bytes: totalBytes(plan), bandwidth: config.connectionBandwidth, policy: policy)
    return Planner.cutByVolume(
      plan, eventsPerDay: eventsPerDay, maxEvents: config.maxEventsPerWindow, connections: count,
      shares: shares)
  }

  /// The connections worth opening for `plan`, the fewest of:
  /// - `max_concurrent_windows`;
  /// - 90 % of the hourly request budget (the rest is kept for retries and splits), so that a
  ///   run whose windows all fit in one hour never waits for the next;
  /// - the count that ends soonest when requests start at r a second and each connection moves
  ///   b = `export_connection_mb_per_second` (``assumedBandwidth``, 2 MB/s): with the shares of ``rampShares``, n windows of B bytes end
  ///   together at B / (n b) + (n − 1) / 2r, least at n = √(2 r B / b). A small project is not
  ///   cut into more windows than the per-second ramp lets start before they would have ended.
  public func connections(_ plan: WindowPlan, config: LakeConfig) -> Int {
    let rate = Self.rampRate(config.exportRateLimit) ?? 1_000
    let soonest = Int((2 * rate * totalBytes(plan) / config.connectionBandwidth).squareRoot().rounded(.up))
    let hourly = config.exportRateLimit.requestsPerHour.map { max(1, $0 * 9 / 10) } ?? Int.max
    return max(1, min(config.maxConcurrentWindows, hourly, soonest))
  }

  /// Requests a second the export limiter lets start (3 per 1.1 s); nil without a limit.
  static func rampRate(_ policy: RateLimitPolicy) -> Double? {
    policy.requestsPerSecond.map { Double($0) / policy.secondWindow.inSeconds }
  }

  /// Relative sizes of `count` windows started as fast as `policy` allows (window i at
  /// ``RequestBudget/startSeconds(request:policy:)``, s_i), each moving `bandwidth` bytes/s,
  /// that end together: window i moves for T − s_i, T = (bytes / bandwidth + Σ s_i) / count.
  /// With equal windows the last one would start at s_(count−1) and still move a whole share: a
  /// year of 330 MB at 3 per 1.1 s in 25 windows of 2 MB/s connections ends near 15 s instead
  /// of 11.
  public static func rampShares(count: Int, bytes: Double, bandwidth: Double, policy: RateLimitPolicy)
    -> [Double]
  {
    let starts = (0..<max(1, count)).map { RequestBudget.startSeconds(request: $0, policy: policy) }
    let end = (bytes / bandwidth + starts.reduce(0, +)) / Double(starts.count)
    // A window that would start after the others end still gets a sliver: its days must go somewhere.
    let least = end / Double(4 * starts.count)
    return starts.map { max(end - $0, least) }
  }

  /// The newest export run in `lake`'s `_runs/` that measured what a connection moved: its id
  /// and its `connection_mb_per_second` (nil without one).
  public static func measuredConnection(lake: String) -> (runID: String, megabytesPerSecond: Double)? {
    guard let runs = try? LakeReport.runs(lake: lake) else { return nil }
    return runs.lazy.filter { $0.kind == "export" }.compactMap { run in
      run.connectionMegabytesPerSecond.map { (run.runID, $0) }
    }.first
  }

  private func totalBytes(_ plan: WindowPlan) -> Double {
    Double(plan.windows.reduce(0) { $0 + bytes($1) })
  }

  /// Estimated wall time of `plan` in seconds: the largest of the limits' floor, all bytes
  /// over the connections in use at `bandwidth` bytes/s each, and, for each window of the first
  /// wave, its earliest start under `policy` plus its bytes over one connection (a window is
  /// one request).
  public func wallSeconds(
    plan: WindowPlan, connections: Int, bandwidth: Double, floorSeconds: Int, policy: RateLimitPolicy
  ) -> Double {
    let used = max(1, min(connections, plan.windows.count))
    var wall = max(Double(floorSeconds), totalBytes(plan) / (Double(used) * bandwidth))
    for (index, window) in plan.windows.enumerated() {
      let start = index < used ? RequestBudget.startSeconds(request: index, policy: policy) : 0
      wall = max(wall, start + Double(bytes(window)) / bandwidth)
    }
    return wall
  }

  /// Asks Mixpanel for the counts of `plan`'s days and reads the lake's average event size.
  public static func fetch(config: LakeConfig, plan: WindowPlan, logger: Logger) async throws
    -> VolumeEstimate
  {
    try await fetch(config: config, plan: plan, caller: ownCaller(config, logger: logger), logger: logger)
  }

  /// A Query caller of its own (a limiter at the project's Query limits), for `plan` and
  /// `report`, which run no other Query call.
  private static func ownCaller(_ config: LakeConfig, logger: Logger) -> QueryCaller<ContinuousClock> {
    let clock = ContinuousClock()
    return QueryCaller(
      limiter: RateLimiter(policy: config.queryRateLimit, clock: clock, logger: logger),
      retryPolicy: config.queryRetryPolicy, clock: clock, logger: logger)
  }

  /// The same, under `caller` (the run's Query API limiter).
  static func fetch<C: Clock>(config: LakeConfig, plan: WindowPlan, caller: QueryCaller<C>, logger: Logger)
    async throws -> VolumeEstimate where C.Duration == Duration
  {
    let size = averageEventSize(lake: config.lake)
    guard let first = plan.firstDay, let last = plan.lastDay else {
      return VolumeEstimate(
        eventsPerDay: [:], bytesPerEvent: size.bytes, bytesMeasured: size.measured, requests: 0)
    }
    let (perDay, requests) = try await dailyCounts(
      config: config, from: first, to: last, caller: caller, logger: logger)
    return VolumeEstimate(
      eventsPerDay: perDay, bytesPerEvent: size.bytes, bytesMeasured: size.measured, requests: requests)
  }

  /// Mixpanel's events per day over `first...last` (of the events `export_events` keeps), and the
  /// Query requests that cost; throws ``Unavailable`` when Mixpanel names no event.
  public static func dailyCounts(config: LakeConfig, from first: Day, to last: Day, logger: Logger)
    async throws -> (perDay: [Day: Int], requests: Int)
  {
    try await dailyCounts(
      config: config, from: first, to: last, caller: ownCaller(config, logger: logger), logger: logger)
  }

  static func dailyCounts<C: Clock>(
    config: LakeConfig, from first: Day, to last: Day, caller: QueryCaller<C>, logger: Logger
  ) async throws -> (perDay: [Day: Int], requests: Int) where C.Duration == Duration {
    var stats = CallStats()
    let counts = try await MixpanelClient.withClient(
      configuration: config.clientConfiguration, logger: logger
    ) {
      client in
      let fetcher = CountFetcher(client: client, caller: caller, batchSize: 50, logger: logger)
      var names = try await fetcher.names(from: first, to: last, stats: &stats)
      if let exported = config.exportEvents { names = names.filter(exported.contains) }
      // No names: the call failed (logged) or the days are empty; either way nothing to count.
      guard !names.isEmpty else { throw Unavailable(reason: "Mixpanel named no events for \(first)…\(last)") }
      return try await fetcher.counts(names: names.sorted(), from: first, to: last, stats: &stats)
    }
    var perDay: [Day: Int] = [:]
    for days in counts.values.values {
      for (day, count) in days { perDay[day, default: 0] += count }
    }
    return (perDay, stats.calls)
  }

  /// Uncompressed bytes per row over the newest (at most 30) export day manifests.
  static func averageEventSize(lake: String) -> (bytes: Int, measured: Bool) {
    let root = "\(lake)/\(StreamName.export.name)"
    let folders = ((try? FileSystem.list(root)) ?? []).filter { $0.hasPrefix("day=") }.sorted().suffix(30)
    var rows = 0
    var bytes = 0
    for folder in folders {
      guard let manifest = try? ManifestStore.read(directory: "\(root)/\(folder)") else { continue }
      rows += manifest.rows
      bytes += manifest.uncompressedBytes
    }
    guard rows > 0 else { return (defaultBytesPerEvent, false) }
    return (max(1, bytes / rows), true)
  }
}
