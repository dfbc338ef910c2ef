import Foundation
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import Testing

@Suite("Singer sync: state, resume, retries")
struct SingerSyncTests {
  @Test(
    "resuming with the emitted STATE continues where the last run stopped; repeats only in the attribution window"
  )
  func resumes() async throws {
    let project = FakeProject(seed: 62, eventsPerDay: 200, today: Fixture.today)
    let first = Fixture.today.advanced(by: -9)
    let stop = Fixture.today.advanced(by: -4)
    let attribution = 2
    let (run1, run2) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let settings: [String: JSONNode] = [
        "date_window_size": .string("2"), "attribution_window": .integer(attribution),
      ]
      var firstSettings = settings
      firstSettings["end_date"] = .string("\(stop)")
      let run1 = try await SingerFixture.sync(
        try SingerFixture.config(server, start: first, extra: firstSettings))
      // The state a target would hand back: the value of the last STATE message, as JSON.
      let stateJSON = try JSONSerialization.data(withJSONObject: try #require(run1.messages.lastState))
      let state = try SingerState.parse(Array(stateJSON))
      let run2 = try await SingerFixture.sync(
        try SingerFixture.config(server, start: first, extra: settings), state: state)
      return (run1.messages, run2.messages)
    }
    #expect(
      run1.problems.isEmpty && run2.problems.isEmpty, "\(run1.problems.prefix(2)) \(run2.problems.prefix(2))")
    let bookmark = try #require(run1.exportBookmark)
    #expect(bookmark.hasPrefix("\(stop)T"), "the bookmark is the last event of the last day: \(bookmark)")
    let records1 = run1.records("export")
    let records2 = run2.records("export")
    let resumeDay = stop.advanced(by: -attribution)
    #expect(Set(records1.map(SingerFixture.day)) == Set((0...5).map { "\(first.advanced(by: $0))" }))
    #expect(records2.map(SingerFixture.day).min() == "\(resumeDay)")
    let ids1 = records1.map(SingerFixture.insertID)
    let ids2 = records2.map(SingerFixture.insertID)
    #expect(Set(ids1).count == ids1.count && Set(ids2).count == ids2.count)
    let repeated = Set(ids1).intersection(ids2)
    let attributionRows = project.truth(from: resumeDay, to: stop).total
    #expect(repeated.count == attributionRows, "only the attribution window is fetched again")
    let truth = project.truth(from: first, to: Fixture.today)
    #expect(Set(ids1).union(ids2).count == truth.total)
    // Every STATE of the second run follows the records it covers and only moves forward.
    let bookmarks = run2.ofType("STATE").compactMap {
      (($0["value"] as? [String: Any])?["bookmarks"] as? [String: Any])?["export"] as? String
    }
    #expect(bookmarks == bookmarks.sorted())
    #expect(run2.lastState?["currently_syncing"] is NSNull)
  }

  @Test(
    "funnels and revenue: records equal the fake's rows; a second run repeats only the attribution window")
  func dailyStreams() async throws {
    let project = FakeProject(seed: 66, eventsPerDay: 0, today: Fixture.today)
    let first = Fixture.today.advanced(by: -9)
    let settings: [String: JSONNode] = [
      "streams": .array([.string("funnels"), .string("revenue")]), "date_window_size": .integer(7),
      "attribution_window": .integer(2), "project_timezone": .string("UTC"),
    ]
    let (run1, run2) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try SingerFixture.config(server, start: first, extra: settings)
      let run1 = try await SingerFixture.sync(config)
      let run2 = try await SingerFixture.sync(config, state: run1.state)
      return (run1, run2)
    }
    #expect(run1.messages.problems.isEmpty, "\(run1.messages.problems.prefix(2))")
    let funnels = run1.messages.records("funnels")
    let expected = project.funnelRows(from: FakeDay("\(first)")!, to: Fixture.today)
    #expect(funnels.count == expected.count && !funnels.isEmpty)
    #expect(
      Set(funnels.map { "\($0["funnel_id"] ?? "")@\($0["date"] ?? "")" })
        == Set(expected.map { "\($0.funnelID)@\($0.day)" }))
    #expect(funnels.allSatisfy { ($0["datetime"] as? String)?.hasSuffix("T00:00:00.000000Z") == true })
    #expect(
      run1.messages.records("revenue").count
        == project.revenueRows(from: FakeDay("\(first)")!, to: Fixture.today).count)
    let bookmarks = run1.messages.lastState?["bookmarks"] as? [String: Any]
    #expect(bookmarks?["funnels"] as? String == "\(Fixture.today)T00:00:00.000000Z")
    #expect(bookmarks?["revenue"] as? String == "\(Fixture.today)T00:00:00.000000Z")
    // From the bookmark, the next run fetches the last attribution_window days again, no more.
    let days2 = Set(run2.messages.records("funnels").compactMap { $0["date"] as? String })
    #expect(days2 == Set((0...2).map { "\(Fixture.today.advanced(by: -$0))" }))
  }

  @Test("revenue failing part-way is skipped, but the days committed before are emitted and bookmarked")
  func revenueSkippedPartWay() async throws {
    let project = FakeProject(seed: 67, eventsPerDay: 0, today: Fixture.today)
    let first = Fixture.today.advanced(by: -13)
    // The first Query call (window 1) succeeds, every later one fails; one attempt each.
    let faults = FakeFaults(seed: 2, queryServerError: FaultRule(rate: 1, maxInjections: 100, after: 1))
    let run = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      try await SingerFixture.sync(
        try SingerFixture.config(
          server, start: first,
          extra: [
            "streams": .array([.string("revenue")]), "date_window_size": .integer(7),
            "project_timezone": .string("UTC"), "max_attempts": .integer(1),
          ]))
    }
    let days = run.messages.records("revenue").compactMap { $0["date"] as? String }
    #expect(days == (0..<7).map { "\(first.advanced(by: $0))" })
    let bookmarks = run.messages.lastState?["bookmarks"] as? [String: Any]
    #expect(bookmarks?["revenue"] as? String == "\(first.advanced(by: 6))T00:00:00.000000Z")
  }

  @Test("a window retried after 'terminated early' emits each record exactly once")
  func retriedWindowOnce() async throws {
    let project = FakeProject(seed: 63, eventsPerDay: 300, today: Fixture.today)
    let first = Fixture.today.advanced(by: -5)
    var faults = FakeFaults(seed: 7)
    faults.terminatedEarly = .init(rule: FaultRule(rate: 1, maxInjections: 3), linesBefore: 120)
    let (messages, injected) = try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try SingerFixture.config(server, start: first, extra: ["date_window_size": .integer(2)])
      return (try await SingerFixture.sync(config).messages, server.injectedFaults)
    }
    #expect(injected.values.reduce(0, +) == 3, "the fault was injected: \(injected)")
    #expect(messages.problems.isEmpty, "\(messages.problems.prefix(3))")
    let ids = messages.records("export").map(SingerFixture.insertID)
    let truth = project.truth(from: first, to: Fixture.today)
    #expect(ids.count == truth.total)
    #expect(Set(ids).count == ids.count)
    var perDay: [String: Int] = [:]
    for record in messages.records("export") { perDay[SingerFixture.day(record), default: 0] += 1 }
    #expect(perDay == truth.byDay)
  }

  @Test("records are flat with tap-mixpanel names, JSON types kept and ISO-8601 UTC times")
  func recordShapes() async throws {
    let project = FakeProject(seed: 64, eventsPerDay: 50, today: Fixture.today, profiles: 30)
    let messages = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      let config = try SingerFixture.config(server, start: Fixture.today, extra: ["streams": .string("all")])
      return try await SingerFixture.sync(config).messages
    }
    #expect(messages.problems.isEmpty, "\(messages.problems.prefix(3))")
    let event = try #require(messages.records("export").first)
    // Datetimes as tap-mixpanel (singer-python's strftime) writes them.
    let tapTime = #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$"#
    #expect((event["time"] as? String)?.range(of: tapTime, options: .regularExpression) != nil)
    #expect(event["properties"] == nil && event["mp_reserved_insert_id"] is String)
    #expect(event["mp_reserved_mp_api_timestamp_ms"] is NSNumber)
    let profile = try #require(messages.records("engage").first)
    #expect(profile["distinct_id"] is String)
    #expect((profile["mp_reserved_last_seen"] as? String)?.hasSuffix(".000000Z") == true)
    let cohort = try #require(messages.records("cohorts").first)
    #expect(cohort["id"] is NSNumber)
    #expect(
      (cohort["created"] as? String)?.range(of: tapTime, options: .regularExpression) != nil)
    #expect(
      messages.records("cohort_members").allSatisfy {
        $0["cohort_id"] is NSNumber && $0["distinct_id"] is String
      })
    #expect(messages.records("engage").count == 30)
  }
}
