import CalendarDay
import Foundation
import Lake
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

@Suite("Every row exactly once through the fake's faults")
struct FaultRecoveryTests {
  static let kinds = [
    "5xx", "429", "429-retry-after", "cut", "cut-rst", "terminated-early", "terminated-only", "malformed",
    "stall", "dribble", "all",
  ]

  static func faults(_ kind: String) -> FakeFaults {
    var faults = FakeFaults(seed: 99)
    let rule = FaultRule(rate: 0.5, maxInjections: 3)
    let all = kind == "all"
    if all || kind == "5xx" { faults.status5xx = rule }
    if all || kind == "429" { faults.burst429 = .init(rule: rule, length: 2) }
    if kind == "429-retry-after" { faults.burst429 = .init(rule: rule, length: 2, retryAfterSeconds: 7) }
    if all || kind == "cut" { faults.cutMidLine = .init(rule: rule) }
    if kind == "cut-rst" { faults.cutMidLine = .init(rule: rule, reset: true) }
    if all || kind == "terminated-early" { faults.terminatedEarly = .init(rule: rule, linesBefore: 100) }
    if kind == "terminated-only" { faults.terminatedEarly = .init(rule: rule, linesBefore: 0) }
    if all || kind == "malformed" { faults.malformedLine = rule }
    if kind == "stall" { faults.stallMidBody = .init(rule: .first(1), duration: .seconds(30)) }
    if all || kind == "dribble" {
      faults.dribble = .init(rule: rule, chunkBytes: 64 << 10, interval: .milliseconds(1))
    }
    return faults
  }

  @Test(
    "10 days × 2,000 events: rows per day equal the truth and every $insert_id appears once", arguments: kinds
  )
  func recovers(kind: String) async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 21, eventsPerDay: 2_000, today: Fixture.today)
    let first = Fixture.today.advanced(by: -9)
    let clock = VirtualClock()
    let (summary, injected) = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: Self.faults(kind)), logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        // The stall (30 s) outlasts request_timeout; 8 s, not less: in a full parallel test run on
        // two cores the fake can go quiet for a couple of seconds, and a dozen such timeouts in a
        // row would stop the run (max_consecutive_failures).
        extra: ["date_window_size": .integer(2), "request_timeout": .integer(kind == "stall" ? 8 : 60)])
      let summary = try await ExportRun(
        config: config, logger: Fixture.logger, clock: clock, now: { Fixture.now }
      )
      .run()
      return (summary, server.injectedFaults)
    }
    #expect(injected.values.reduce(0, +) > 0, "the fault was injected: \(injected)")
    #expect(summary.failedWindows.isEmpty, "\(summary.failedWindows.map { $0.error ?? "" })")
    #expect(summary.retries >= injected.values.reduce(0, +) || kind == "dribble" || kind == "all")
    let truth = project.truth(from: first, to: Fixture.today)
    let census = try LakeReader(root: lake.path).census()
    #expect(census.rows == truth.byDay)
    #expect(census.insertIDs.count == truth.total)
    #expect(Set(census.insertIDs).count == truth.total)
    #expect(WindowFailureTests.hiddenFiles(lake.path).isEmpty)
    if kind == "429-retry-after" {
      #expect(clock.requestedSleeps.contains { $0 >= .seconds(7) }, "Retry-After was honoured")
    }
  }

  @Test("the server closes every kept-alive connection a request arrives on: resent, no attempt used")
  func staleConnections() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 22, eventsPerDay: 200, today: Fixture.today)
    let first = Fixture.today.advanced(by: -5)
    let faults = FakeFaults(seed: 4, staleConnection: FaultRule(rate: 1, maxInjections: 1_000))
    let (summary, injected) = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      // One window at a time, one attempt each: every window after the first goes out on the
      // connection the previous one used, and a failure would not be retried.
      var config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        extra: [
          "date_window_size": .integer(1), "max_concurrent_windows": .integer(1), "max_attempts": .integer(1),
        ])
      // The resend rule looks at how soon the close came; on two busy cores the scheduler alone
      // can take a second. Widened, the test depends on the rule's logic, not on timing.
      config.staleConnectionWindow = .seconds(3_600)
      let summary = try await ExportRun(
        config: config, logger: Fixture.logger, clock: VirtualClock(), now: { Fixture.now }
      )
      .run()
      return (summary, server.injectedFaults)
    }
    #expect(injected["staleConnection", default: 0] >= 3, "connections were reused and closed: \(injected)")
    #expect(summary.failedWindows.isEmpty, "\(summary.failedWindows.map { $0.error ?? "" })")
    #expect(summary.retries == 0)
    #expect(
      try LakeReader(root: lake.path).census().rows == project.truth(from: first, to: Fixture.today).byDay)
  }

  @Test("a window that keeps failing is split in halves down to one day; the failing day is named")
  func splitsThenFails() async throws {
    let lake = TemporaryDirectory()
    let project = FakeProject(seed: 21, eventsPerDay: 100, today: Fixture.today)
    let first = Fixture.today.advanced(by: -3)
    let faults = FakeFaults(seed: 1, status5xx: FaultRule(rate: 1, maxInjections: 1_000))
    let summary = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        // 14 failing requests in all: above the default max_consecutive_failures, which would
        // stop the run before the last one-day windows are tried (HostileReplyTests covers that).
        extra: ["max_attempts": .integer(2), "max_consecutive_failures": .integer(100)])
      return try await ExportRun(
        config: config, logger: Fixture.logger, clock: VirtualClock(), now: { Fixture.now }
      )
      .run()
    }
    // 4 days → 2 + 2 → 1 + 1 + 1 + 1: three splits, then four one-day windows that fail.
    #expect(summary.splits == 3)
    #expect(
      summary.failedWindows.map { "\($0.fromDate)..\($0.toDate)" }
        == (0...3).map {
          let day = first.advanced(by: $0)
          return "\(day)..\(day)"
        })
    #expect(summary.failedWindows.allSatisfy { $0.error?.contains("HTTP 500") == true })
    #expect(WindowFailureTests.visibleFiles(lake.path).isEmpty)
  }
}
