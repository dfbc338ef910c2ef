import CalendarDay
import Foundation
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

/// The fake reads the exporter's virtual clock, so both sides agree on time.
struct SharedFakeClock: FakeClock {
  let clock: VirtualClock
  func now() -> Duration { clock.now.offset }
}

@Suite("Pacing against Mixpanel's export limits")
struct PacingTests {
  @Test(
    "70 one-day windows on a shared virtual clock: never more than 3 requests a second or 60 an hour, and the fake never says 429"
  )
  func keepsToTheLimits() async throws {
    let lake = TemporaryDirectory()
    let clock = VirtualClock()
    let project = FakeProject(seed: 4, eventsPerDay: 20, today: Fixture.today)
    let first = Fixture.today.advanced(by: -69)
    let configuration = FakeServerConfiguration(
      rateLimits: .mixpanelExport, clock: SharedFakeClock(clock: clock))
    let (summary, log) = try await withFakeMixpanelServer(
      project, configuration: configuration, logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(first)",
        // One request in flight: the virtual clock only moves while the exporter waits, so the
        // fake sees each request at the instant the limiter granted it.
        extra: ["date_window_size": .integer(1), "max_concurrent_windows": .integer(1)])
      let summary = try await ExportRun(
        config: config, logger: Fixture.logger, clock: clock, now: { Fixture.now }
      )
      .run()
      return (summary, server.requestLog.entries)
    }
    #expect(summary.failedWindows.isEmpty)
    #expect(summary.retries == 0, "no request was refused, so none was retried")
    #expect(log.count == 70)
    #expect(log.allSatisfy { $0.status == 200 })
    let arrivals = log.map(\.arrival).sorted()
    for (index, arrival) in arrivals.enumerated() {
      let inSecond = arrivals[index...].prefix { $0 < arrival + .seconds(1) }.count
      let inHour = arrivals[index...].prefix { $0 < arrival + .seconds(3600) }.count
      #expect(inSecond <= 3 && inHour <= 60)
    }
    // The 61st request had to wait for the first one to leave the sliding hour.
    #expect(arrivals[60] - arrivals[0] >= .seconds(3600))
    #expect(
      try LakeReader(root: lake.path).census().rows == project.truth(from: first, to: Fixture.today).byDay)
  }
}
