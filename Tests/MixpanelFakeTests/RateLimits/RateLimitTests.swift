import Testing

@testable import MixpanelFake

@Suite struct RateLimitTests {
  let target = exportPath("2024-06-01", "2024-06-01", "&limit=1")

  @Test func perSecondLimitResetsWhenTheClockMoves() async throws {
    let clock = ManualFakeClock()
    let configuration = FakeServerConfiguration(rateLimits: FakeRateLimits(perSecond: 3), clock: clock)
    try await withServer(configuration: configuration) { server in
      let statuses = try (0..<4).map { _ in try get(server, target).status }
      #expect(statuses == [200, 200, 200, 429])
      #expect(server.requestLog.entries[3].fault == "rateLimit")
      clock.advance(by: .seconds(1))
      #expect(try get(server, target).status == 200)
    }
  }

  @Test func hourlyLimitIsASlidingWindowWithRetryAfter() async throws {
    let clock = ManualFakeClock()
    let limits = FakeRateLimits(perHour: 5, perSecond: 100, sendRetryAfter: true)
    try await withServer(configuration: FakeServerConfiguration(rateLimits: limits, clock: clock)) { server in
      for _ in 0..<5 {
        #expect(try get(server, target).status == 200)
        clock.advance(by: .seconds(600))
      }
      // Now at t=3000 s; the first query (t=0) leaves the window at t=3600 s.
      let limited = try get(server, target)
      #expect(limited.status == 429)
      #expect(limited.header("retry-after") == "600")
      #expect((limited.json()?["error"] as? String)?.contains("6/5 queries in the last hour") == true)
      clock.advance(by: .seconds(600))
      #expect(try get(server, target).status == 200)
    }
  }

  @Test func concurrencyCapAnswers429WhileARequestIsRunning() async throws {
    let limits = FakeRateLimits(maxConcurrent: 1)
    let faults = FakeFaults(stallMidBody: .init(rule: .first(1), duration: .seconds(600)))
    let configuration = FakeServerConfiguration(faults: faults, rateLimits: limits, clock: ManualFakeClock())
    try await withServer(configuration: configuration) { server in
      let running = try RawHTTPConnection(port: server.port)
      try running.send(
        "GET \(exportPath("2024-06-01", "2024-06-02")) HTTP/1.1\r\nAuthorization: \(secretAuth["Authorization"]!)\r\n\r\n"
      )
      #expect(try running.readHead().status == 200)  // admitted and now stalled mid-body
      let rejected = try get(server, target)
      #expect(rejected.status == 429)
      #expect(rejected.json()?["error"] as? String == "too many export requests in progress for this project")
      #expect(rejected.header("retry-after") == nil)
    }
  }

  @Test func rejectedRequestsDoNotCount() async throws {
    let clock = ManualFakeClock()
    let configuration = FakeServerConfiguration(
      rateLimits: FakeRateLimits(perHour: 2, perSecond: 10), clock: clock)
    try await withServer(configuration: configuration) { server in
      let statuses = try (0..<5).map { _ in try get(server, target).status }
      #expect(statuses == [200, 200, 429, 429, 429])
      clock.advance(by: .seconds(3_600))
      #expect(try get(server, target).status == 200)
      #expect(try get(server, target).status == 200)
    }
  }
}
