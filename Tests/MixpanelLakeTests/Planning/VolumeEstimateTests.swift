import CalendarDay
import Foundation
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

@Suite("plan --volume: expected events, bytes and wall time")
struct VolumeEstimateTests {
  @Test(
    "wall time is the largest of the limits' floor, all bytes over the connections, and the largest window over one"
  )
  func wallTime() throws {
    let first = try #require(Day("2024-06-01"))
    let plan = Planner.plan(
      startDate: first, endDate: first.adding(days: 5), bookmark: nil, attributionWindow: 0, windowSize: 2,
      today: first.adding(days: 10))
    #expect(plan.windows.count == 3)
    var perDay: [Day: Int] = [:]
    for offset in 0..<6 { perDay[first.adding(days: offset)] = offset < 2 ? 3_000 : 500 }
    let estimate = VolumeEstimate(
      eventsPerDay: perDay, bytesPerEvent: 1_000, bytesMeasured: true, requests: 2)
    #expect(estimate.events(plan.windows[0]) == 6_000 && estimate.bytes(plan.windows[1]) == 1_000_000)
    // 8 MB in all; the first window alone is 6 MB.
    #expect(
      estimate.wallSeconds(plan: plan, connections: 4, bandwidth: 1_000_000, floorSeconds: 1, policy: .export)
        == 6)
    #expect(
      estimate.wallSeconds(plan: plan, connections: 1, bandwidth: 1_000_000, floorSeconds: 1, policy: .export)
        == 8)
    #expect(
      estimate.wallSeconds(
        plan: plan, connections: 4, bandwidth: 1_000_000, floorSeconds: 60, policy: .export) == 60)
  }

  /// `days` days from 2024-06-01 (in 30-day windows), each of 1,000 events of 1,000 B.
  static func evenDays(_ days: Int) throws -> (WindowPlan, VolumeEstimate) {
    let first = try #require(Day("2024-06-01"))
    let plan = Planner.plan(
      startDate: first, endDate: first.adding(days: days - 1), bookmark: nil, attributionWindow: 0,
      windowSize: 30, today: first.adding(days: 365))
    let estimate = VolumeEstimate(
      eventsPerDay: Dictionary(uniqueKeysWithValues: (0..<days).map { (first.adding(days: $0), 1_000) }),
      bytesPerEvent: 1_000, bytesMeasured: true, requests: 2)
    return (plan, estimate)
  }

  @Test(
    "connections: the fewest of max_concurrent_windows, 90 % of the hourly budget and the count that ends soonest under the per-second ramp"
  )
  func connections() throws {
    // 100 days × 1,000 events × 1,000 B: 100 MB.
    let (plan, estimate) = try Self.evenDays(100)
    func config(_ extra: String) throws -> LakeConfig {
      try ConfigLoaderTests.parse(#"{"api_secret": "s", "start_date": "2024-06-01"\#(extra)}"#)
    }
    // Mixpanel's limits: a ramp of 3 per 1.1 s at 2 MB/s a connection: √(2 × 2.73 × 100 MB / 2 MB/s)
    // = 16.5 → 17.
    #expect(estimate.connections(plan, config: try config("")) == 17)
    #expect(estimate.windows(plan, config: try config("")).windows.count == 17)
    // The per-second limit lifted: 60/hour leaves 54 (the rest for retries).
    #expect(estimate.connections(plan, config: try config(#", "export_requests_per_second": 1000"#)) == 54)
    // And the hourly one too: every connection Mixpanel allows at once.
    #expect(
      estimate.connections(
        plan,
        config: try config(#", "export_requests_per_second": 1000, "export_requests_per_hour": 100000"#))
        == 100)
    #expect(estimate.connections(plan, config: try config(#", "max_concurrent_windows": 4"#)) == 4)
    // Faster connections pay for fewer windows, slower ones for more: √(2 × 2.73 × 100 / 8) = 8.3
    // and √(2 × 2.73 × 100 / 0.5) = 33.0.
    let fast = try config(#", "export_connection_mb_per_second": 8"#)
    #expect(fast.connectionBandwidth == 8e6)
    #expect(estimate.connections(plan, config: fast) == 9)
    #expect(estimate.windows(plan, config: fast).windows.count == 9)
    #expect(
      estimate.connections(plan, config: try config(#", "export_connection_mb_per_second": "0.5""#)) == 34)
    for bad in [#"0"#, #"-1"#, #""fast""#, #"true"#] {
      #expect(throws: ConfigError.self) { try config(#", "export_connection_mb_per_second": \#(bad)"#) }
    }
  }

  @Test(
    "windows that all start in the ramp shrink as it goes, so that they end together: sooner than equal windows"
  )
  func rampShares() throws {
    // A year of 1,000 events a day at 1,000 B: 365 MB.
    let (plan, estimate) = try Self.evenDays(365)
    let config = try ConfigLoaderTests.parse(#"{"api_secret": "s", "start_date": "2024-06-01"}"#)
    let policy = RateLimitPolicy(requestsPerHour: 60, requestsPerSecond: 2, maxConcurrent: 100)
    let shares = VolumeEstimate.rampShares(count: 5, bytes: 8e6, bandwidth: 1e6, policy: policy)
    // Starts at 0, 0, 1, 1 and 2 s; they end together at (8 MB / 1 MB/s + 4 s) / 5 = 2.4 s.
    #expect(shares.map { ($0 * 1000).rounded() / 1000 } == [2.4, 2.4, 1.4, 1.4, 0.4])
    let cut = estimate.windows(plan, config: config)
    let n = estimate.connections(plan, config: config)
    #expect(cut.windows.count == n && n == 32, "\(n) connections, \(cut.windows.count) windows")
    let events = cut.windows.map(estimate.events)
    // Three start together (3 per 1.1 s): each group of three is smaller than the one before.
    let groups = stride(from: 0, to: events.count, by: 3).map {
      events[$0..<min($0 + 3, events.count)].reduce(0, +)
    }
    let full = groups.dropLast(events.count % 3 == 0 ? 0 : 1)
    #expect(zip(full, full.dropFirst()).allSatisfy { $0 > $1 }, "\(events)")
    #expect(events.reduce(0, +) == 365_000 && events.first! > 2 * events.last!, "\(events)")
    // The estimate at the assumed 2 MB/s: near the limits' floor, well under equal windows'.
    let floor = RequestBudget.minimumSeconds(requests: n, policy: config.exportRateLimit)
    let wall = estimate.wallSeconds(
      plan: cut, connections: n, bandwidth: 2e6, floorSeconds: floor, policy: config.exportRateLimit)
    let equal = Planner.cutByVolume(
      plan, eventsPerDay: estimate.eventsPerDay, maxEvents: 1_000_000, connections: n)
    let equalWall = estimate.wallSeconds(
      plan: equal, connections: n, bandwidth: 2e6, floorSeconds: floor, policy: config.exportRateLimit)
    #expect(
      wall <= Double(floor) * 1.25 && wall < equalWall * 0.75,
      "\(wall) s against \(equalWall) s, floor \(floor) s")
  }

  @Test("the binary: plan --volume counts the plan's events as Mixpanel does and prints the estimate")
  func binary() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let project = FakeProject(seed: 121, eventsPerDay: 400, today: today)
    let (first, last) = (today.advanced(by: -6), today.advanced(by: -1))
    let result = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = "\(dir.path)/c.json"
      try
        #"{"api_secret": "\#(project.apiSecret)", "start_date": "\#(first)", "end_date": "\#(last)", "export_api_url": "\#(server.baseURL)", "query_api_url": "\#(server.baseURL)", "lake": "\#(dir.path)/lake", "date_window_size": 2}"#
        .write(toFile: config, atomically: true, encoding: .utf8)
      return try await CLIProcess.run(["plan", "--config", config, "--volume", "--bandwidth", "0.5"])
    }
    #expect(result.status == 0, "\(result.stderr)")
    let events = project.truth(from: first, to: last).total
    #expect(result.stdout.contains("Query requests): \(events) events"), "\(result.stdout)")
    #expect(result.stdout.contains("B/event assumed (no export in the lake yet)"), "\(result.stdout)")
    #expect(
      result.stdout.contains("estimated wall time at 0.5 MB/s per connection, 3 windows at once"),
      "\(result.stdout)")
    let bad = try await CLIProcess.run(["plan", "--config", "\(dir.path)/c.json", "--bandwidth", "0"])
    #expect(bad.status == 2)
    // Without --bandwidth, the config's export_connection_mb_per_second.
    let keyed = "\(dir.path)/k.json"
    try String(contentsOfFile: "\(dir.path)/c.json", encoding: .utf8)
      .replacingOccurrences(of: #""date_window_size": 2"#, with: #""export_connection_mb_per_second": 4"#)
      .write(toFile: keyed, atomically: true, encoding: .utf8)
    // `plan --volume` with the keyed config, pointed at a fresh fake.
    func planKeyed() async throws -> CLIProcess.Result {
      try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
        try String(contentsOfFile: keyed, encoding: .utf8)
          .replacingOccurrences(
            of: #"http://127.0.0.1:\d+"#, with: server.baseURL, options: .regularExpression
          )
          .write(toFile: keyed, atomically: true, encoding: .utf8)
        return try await CLIProcess.run(["plan", "--config", keyed, "--volume"])
      }
    }
    let fromKey = try await planKeyed()
    #expect(fromKey.status == 0, "\(fromKey.stderr)")
    #expect(fromKey.stdout.contains("estimated wall time at 4.0 MB/s per connection"), "\(fromKey.stdout)")
    #expect(!fromKey.stdout.contains("measured"), "no run measured a connection yet: \(fromKey.stdout)")
    // With run records: the newest export run that measured its connections is named.
    let runs = "\(dir.path)/lake/_runs"
    try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
    for (name, text) in [
      (
        "20240101T000000Z-aaaaaa.json",
        #"{"run_id": "20240101T000000Z-aaaaaa", "connection_mb_per_second": 1.5}"#
      ),
      (
        "20240102T000000Z-bbbbbb.json",
        #"{"run_id": "20240102T000000Z-bbbbbb", "connection_mb_per_second": 3.25}"#
      ),
      (
        "20240103T000000Z-cccccc.json",
        #"{"run_id": "20240103T000000Z-cccccc", "connection_mb_per_second": null}"#
      ),
    ] {
      try text.write(toFile: "\(runs)/\(name)", atomically: true, encoding: .utf8)
    }
    let measured = try await planKeyed()
    #expect(measured.status == 0, "\(measured.stderr)")
    #expect(
      measured.stdout.contains(
        "the newest export run that measured its connections (20240102T000000Z-bbbbbb, windows of 1 MB or more): 3.25 MB/s per connection"
      ),
      "\(measured.stdout)")
  }
}

@Suite("date_window_size auto: windows of roughly equal volume from Mixpanel's daily counts")
struct VolumeWindowsTests {
  static let first = Day("2024-06-01")!

  static func plan(days: Int) -> WindowPlan {
    Planner.plan(
      startDate: first, endDate: first.adding(days: days - 1), bookmark: nil, attributionWindow: 0,
      windowSize: 30, today: first.adding(days: 100))
  }

  static func perDay(_ counts: [Int]) -> [Day: Int] {
    Dictionary(uniqueKeysWithValues: counts.enumerated().map { (first.adding(days: $0.offset), $0.element) })
  }

  @Test("equal days: as many windows as the events need at the ceiling, gap-free and in order")
  func equalDays() {
    let plan = Self.plan(days: 30)
    let cut = Planner.cutByVolume(
      plan, eventsPerDay: Self.perDay(Array(repeating: 1_000, count: 30)), maxEvents: 5_000, connections: 2)
    #expect(cut.windows.count == 6 && cut.windows.allSatisfy { $0.dayCount == 5 })
    #expect(cut.windows.first?.from == Self.first && cut.windows.last?.to == Self.first.adding(days: 29))
    for (a, b) in zip(cut.windows, cut.windows.dropFirst()) { #expect(a.to.adding(days: 1) == b.from) }
  }

  @Test("a quiet month and a busy week: the busy days get small windows, the quiet ones one wide window")
  func skewed() {
    let counts = Array(repeating: 100, count: 23) + Array(repeating: 50_000, count: 7)
    let cut = Planner.cutByVolume(
      Self.plan(days: 30), eventsPerDay: Self.perDay(counts), maxEvents: 60_000, connections: 4)
    let events = cut.windows.map { window in
      (0..<window.dayCount).reduce(0) { $0 + counts[Self.first.distance(to: window.from) + $1] }
    }
    #expect(cut.windows.first!.dayCount >= 23, "\(cut.windows)")
    #expect(events.allSatisfy { $0 <= 60_000 }, "\(events)")
    #expect(cut.windows.filter { $0.from >= Self.first.adding(days: 23) }.allSatisfy { $0.dayCount == 1 })
  }

  @Test("more days than windows: no window is left the days the others did not take")
  func remainder() {
    // 120 days of 1,500 to 2,500 events into 100 windows: about 1.2 days each.
    let counts = (0..<120).map { 1_500 + ($0 * 7_919) % 1_000 }
    let plan = Planner.plan(
      startDate: Self.first, endDate: Self.first.adding(days: 119), bookmark: nil, attributionWindow: 0,
      windowSize: 30, today: Self.first.adding(days: 200))
    let cut = Planner.cutByVolume(
      plan, eventsPerDay: Self.perDay(counts), maxEvents: 1_000_000, connections: 100)
    #expect(cut.windows.count == 100)
    #expect(cut.windows.allSatisfy { $0.dayCount <= 2 }, "\(cut.windows.map(\.dayCount))")
    #expect(cut.windows.last?.to == Self.first.adding(days: 119))
  }

  @Test(
    "few events: at least one window per connection, never more windows than days; a huge day stands alone")
  func lowerBounds() {
    let few = Planner.cutByVolume(
      Self.plan(days: 12), eventsPerDay: Self.perDay(Array(repeating: 10, count: 12)), maxEvents: 1_000_000,
      connections: 4)
    #expect(few.windows.count == 4, "\(few.windows)")
    let short = Planner.cutByVolume(
      Self.plan(days: 2), eventsPerDay: Self.perDay([10, 10]), maxEvents: 1_000_000, connections: 8)
    #expect(short.windows.count == 2)
    let huge = Planner.cutByVolume(
      Self.plan(days: 3), eventsPerDay: Self.perDay([10, 5_000_000, 10]), maxEvents: 1_000_000, connections: 1
    )
    #expect(huge.windows.map(\.dayCount) == [1, 1, 1])
  }

  @Test(
    "an auto run asks the counts once, fetches windows of about max_events_per_window and equals the truth; without counts it falls back"
  )
  func autoRun() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 122, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -20)
    let windows = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        extra: [
          "date_window_size": .string("auto"), "max_events_per_window": .integer(1_500),
          "query_api_url": .string(server.baseURL),
        ])
      #expect(config.windowsByVolume)
      let summary = try await Fixture.run(config)
      #expect(server.requestLog.entries.contains { $0.path.hasSuffix("/events") })
      return summary.windows.map { ($0.fromDate, $0.toDate, $0.rows) }
    }
    let truth = project.truth(from: first, to: Fixture.today)
    #expect(
      windows.count >= truth.total / 1_500 && windows.count <= truth.total / 1_500 + 4, "\(windows.count)")
    #expect(windows.allSatisfy { $0.2 <= 1_500 + 400 }, "\(windows)")
    #expect(try LakeReader(root: lake.path).census().rows == truth.byDay)
  }

  @Test(
    "without Mixpanel's counts (the Query API failing), an auto run falls back to fixed windows and still equals the truth"
  )
  func fallback() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 123, eventsPerDay: 100, today: Fixture.today)
    let first = Fixture.today.advanced(by: -9)
    let faults = FakeFaults(seed: 1, queryServerError: FaultRule(rate: 1, maxInjections: 1_000))
    let summary = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        extra: ["date_window_size": .string("auto"), "query_api_url": .string(server.baseURL)])
      return try await ExportRun(
        config: config, logger: Fixture.logger, clock: VirtualClock(), now: { Fixture.now }
      )
      .run()
    }
    #expect(summary.windows.count == 1, "one 30-day window covers the 10 days")
    #expect(
      try LakeReader(root: lake.path).census().rows == project.truth(from: first, to: Fixture.today).byDay)
  }
}
