import Testing

@testable import MixpanelFake

@Suite struct IncrementalExportTests {
  @Test func theSameWindowReturnsMoreRowsAfterNowMoves() async throws {
    let project = FakeProject(
      seed: 5, eventsPerDay: 300, today: testToday, lateArrivals: true, lateShare: 0.2)
    let t1 = day("2024-06-11").startEpochSeconds + 600
    let t2 = day("2024-06-14").startEpochSeconds
    try await withServer(project) { server in
      server.setNow(t1)
      #expect(server.now == t1)
      let first = try get(server, exportPath("2024-06-09", "2024-06-10"))
      #expect(first.status == 200)
      #expect(first.body == project.exportBody(from: day("2024-06-09"), to: day("2024-06-10")))
      #expect(
        first.lines.count == project.truth(from: day("2024-06-09"), to: day("2024-06-10"), now: t1).total)
      server.setNow(t2)
      let second = try get(server, exportPath("2024-06-09", "2024-06-10"))
      #expect(
        second.lines.count == project.truth(from: day("2024-06-09"), to: day("2024-06-10"), now: t2).total)
      #expect(second.lines.count > first.lines.count)
      #expect(Set(first.lines).isSubset(of: Set(second.lines)))
      let lastProcessed = try properties(second).map { $0["mp_processing_time_ms"] as! Int }.max()!
      #expect(lastProcessed <= Int(t2) * 1_000)
    }
  }

  @Test func eventsAfterNowAreNeverServed() async throws {
    let project = makeProject(eventsPerDay: 200)
    let now = day("2024-06-30").startEpochSeconds + 6 * 3_600
    project.setNow(now)
    try await withServer(project) { server in
      let response = try get(server, exportPath("2024-06-30", "2024-06-30"))
      let times = try properties(response).map { $0["time"] as! Int }
      #expect(!times.isEmpty)
      #expect(times.allSatisfy { $0 <= Int(now) })
      #expect(times.count == project.eventCount(on: testToday))
    }
  }
}
