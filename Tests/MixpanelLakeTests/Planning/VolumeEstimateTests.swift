import CalendarDay
import Foundation
import MixpanelFake
import MixpanelLake
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
    #expect(estimate.wallSeconds(plan: plan, connections: 4, bandwidth: 1_000_000, floorSeconds: 1) == 6)
    #expect(estimate.wallSeconds(plan: plan, connections: 1, bandwidth: 1_000_000, floorSeconds: 1) == 8)
    #expect(estimate.wallSeconds(plan: plan, connections: 4, bandwidth: 1_000_000, floorSeconds: 60) == 60)
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
      result.stdout.contains("estimated wall time at 0.5 MB/s per connection, 4 windows at once"),
      "\(result.stdout)")
    let bad = try await CLIProcess.run(["plan", "--config", "\(dir.path)/c.json", "--bandwidth", "0"])
    #expect(bad.status == 2)
  }
}
