import CalendarDay
import Foundation
import InMemoryLogging
import Lake
import Logging
import MixpanelAPI
import MixpanelFake
import MixpanelLake
import TestSupport
import Testing

/// Replies that look like success, or that never end, from Mixpanel, a proxy or a gateway: each
/// must end in a committed truth or a clear failure, never in days of the lake quietly lost.
@Suite("Hostile replies never empty the lake")
struct HostileReplyTests {
  static let project = FakeProject(seed: 31, eventsPerDay: 300, today: Fixture.today)
  static let first = Fixture.today.advanced(by: -3)

  /// A lake populated by a good run: four days of the project's truth.
  static func populatedLake(_ lake: String) async throws -> [String: Int] {
    _ = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try await Fixture.run(Fixture.config(lake: lake, server: server, start: "\(first)"))
    }
    let rows = try LakeReader(root: lake).census().rows
    #expect(rows == project.truth(from: first, to: Fixture.today).byDay)
    #expect(rows.values.allSatisfy { $0 > 0 })
    return rows
  }

  /// A second run, from the start again (no bookmark), against a server with `faults`.
  static func hostileRun(
    _ lake: String, faults: FakeFaults, extra: [String: JSONNode] = [:], clock: VirtualClock = VirtualClock()
  ) async throws -> (summary: Result<RunSummary, any Error>, requests: Int) {
    try FileSystem.remove("\(lake)/_state.json")
    return try await withFakeMixpanelServer(
      project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      var extra = extra
      extra["query_api_url"] = .string(server.baseURL)
      let config = try Fixture.config(lake: lake, server: server, start: "\(first)", extra: extra)
      let result: Result<RunSummary, any Error>
      do {
        result = .success(
          try await ExportRun(config: config, logger: Fixture.logger, clock: clock, now: { Fixture.now })
            .run())
      } catch {
        result = .failure(error)
      }
      return (result, server.requestLog.entries.filter { $0.path.hasSuffix("/export") }.count)
    }
  }

  static func successMarked(_ lake: String) -> Bool {
    FileManager.default.fileExists(atPath: "\(lake)/_SUCCESS")
  }

  @Test(
    "a 200 whose body is, or ends in, a JSON error object fails the window with the server's message; every day keeps its rows",
    arguments: [0, 120])
  func errorObjectWith200(linesBefore: Int) async throws {
    let lake = TemporaryDirectory()
    let before = try await Self.populatedLake(lake.path)
    let faults = FakeFaults(
      seed: 3,
      errorObject: .init(
        rule: FaultRule(rate: 1, maxInjections: 1_000), linesBefore: linesBefore,
        message: "Service temporarily unavailable"))
    // One attempt per window: 1 + 2 + 4 requests, below max_consecutive_failures.
    let (result, _) = try await Self.hostileRun(
      lake.path, faults: faults, extra: ["max_attempts": .integer(1)])
    let summary = try result.get()
    #expect(!summary.failedWindows.isEmpty)
    let message = try #require(summary.failedWindows.first?.error)
    #expect(message.contains("Service temporarily unavailable"), "the server's message: \(message)")
    #expect(message.contains("is not an event"))
    #expect(try LakeReader(root: lake.path).census().rows == before, "every day's rows as before")
    #expect(!FileManager.default.fileExists(atPath: "\(lake.path)/export/_out_of_window"))
    #expect(!Self.successMarked(lake.path))
  }

  @Test(
    "an empty 200 for days that hold rows: Mixpanel's counts say they have events, so they are kept and the window fails"
  )
  func emptyBodyRefused() async throws {
    let lake = TemporaryDirectory()
    let before = try await Self.populatedLake(lake.path)
    let faults = FakeFaults(seed: 3, emptyBody: FaultRule(rate: 1, maxInjections: 1_000))
    let (result, _) = try await Self.hostileRun(
      lake.path, faults: faults, extra: ["max_attempts": .integer(1), "date_window_size": .integer(1)])
    let summary = try result.get()
    #expect(summary.failedWindows.count == 4)
    let message = try #require(summary.failedWindows.first?.error)
    #expect(message.contains("no events for \(Self.first)"), "names the day: \(message)")
    #expect(message.contains("Mixpanel's own daily counts hold"), "says why: \(message)")
    #expect(message.contains("kept"))
    #expect(try LakeReader(root: lake.path).census().rows == before)
    #expect(!Self.successMarked(lake.path))
  }

  @Test(
    "a day that really became empty (export_events narrowed to a name with no events) replaces the old one")
  func emptyDayConfirmed() async throws {
    let lake = TemporaryDirectory()
    _ = try await Self.populatedLake(lake.path)
    let (result, _) = try await Self.hostileRun(
      lake.path, faults: .none, extra: ["export_events": .array([.string("No Such Event")])])
    let summary = try result.get()
    #expect(summary.failedWindows.isEmpty)
    let rows = try LakeReader(root: lake.path).census().rows
    #expect(rows.values.allSatisfy { $0 == 0 }, "\(rows)")
    #expect(Self.successMarked(lake.path))
  }

  @Test("a Retry-After of 100,000 s is waited max_retry_wait at most")
  func retryAfterCeiling() async throws {
    let lake = TemporaryDirectory()
    let clock = VirtualClock()
    let faults = FakeFaults(
      seed: 3, burst429: .init(rule: FaultRule.first(1), length: 1, retryAfterSeconds: 100_000))
    let (result, _) = try await Self.hostileRun(
      lake.path, faults: faults, extra: ["max_retry_wait": .integer(120)], clock: clock)
    let summary = try result.get()
    #expect(summary.failedWindows.isEmpty)
    #expect(summary.retries == 1)
    let longest = try #require(clock.requestedSleeps.max())
    #expect(longest >= .seconds(120) && longest <= .seconds(120), "waited \(clock.requestedSleeps)")
    #expect(
      try LakeReader(root: lake.path).census().rows
        == Self.project.truth(from: Self.first, to: Fixture.today).byDay)
  }

  @Test(
    "a body dripping a byte at a time is stalled after request_timeout, cancelled and retried",
    .timeLimit(.minutes(2)))
  func dripIsStalled() async throws {
    let lake = TemporaryDirectory()
    // One byte a second: the idle timer (8 s) never fires, but 1 KiB never arrives in 8 s. (8 s, so
    // that a normal answer is never late on two busy cores.)
    let faults = FakeFaults(
      seed: 3, dribble: .init(rule: FaultRule.first(1), chunkBytes: 1, interval: .seconds(1)))
    let (result, requests) = try await Self.hostileRun(
      lake.path, faults: faults, extra: ["request_timeout": .integer(8), "date_window_size": .integer(4)])
    let summary = try result.get()
    #expect(summary.failedWindows.isEmpty, "\(summary.failedWindows.map { $0.error ?? "" })")
    #expect(summary.retries == 1)
    #expect(requests == 2)
    #expect(
      try LakeReader(root: lake.path).census().rows
        == Self.project.truth(from: Self.first, to: Fixture.today).byDay)
  }

  @Test("'terminated early' on every answer: windows split at once, and the run stops within 30 requests")
  func persistentTerminatedEarly() async throws {
    let lake = TemporaryDirectory()
    let before = try await Self.populatedLake(lake.path)
    let faults = FakeFaults(
      seed: 3, terminatedEarly: .init(rule: FaultRule(rate: 1, maxInjections: 10_000), linesBefore: 10))
    // Eight days in one window, with every default: 6 attempts, 12 failures in a row stop.
    let eightDaysAgo = Fixture.today.advanced(by: -7)
    try FileSystem.remove("\(lake.path)/_state.json")
    let (error, requests) = try await withFakeMixpanelServer(
      Self.project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try Fixture.config(lake: lake.path, server: server, start: "\(eightDaysAgo)")
      let error = await #expect(throws: RunStoppedError.self) {
        try await ExportRun(
          config: config, logger: Fixture.logger, clock: VirtualClock(), now: { Fixture.now }
        ).run()
      }
      return (error, server.requestLog.entries.filter { $0.path.hasSuffix("/export") }.count)
    }
    #expect(requests <= 30, "\(requests) requests")
    let message = try #require(error?.description)
    #expect(message.contains("region"), "\(message)")
    #expect(message.contains("terminated early"), "\(message)")
    #expect(try LakeReader(root: lake.path).census().rows == before)
    #expect(!Self.successMarked(lake.path))
    // The run record says what happened.
    let runs = try FileManager.default.contentsOfDirectory(atPath: "\(lake.path)/_runs")
    #expect(runs.count == 2)
  }

  @Test("a 400 that echoes the Authorization header: no form of the secret reaches the error or _runs")
  func echoedSecretIsScrubbed() async throws {
    let lake = TemporaryDirectory()
    let faults = FakeFaults(seed: 3, echoAuthorization: FaultRule(rate: 1, maxInjections: 1_000))
    let (result, _) = try await Self.hostileRun(lake.path, faults: faults)
    let summary = try result.get()
    let message = try #require(summary.failedWindows.first?.error)
    #expect(message.contains("HTTP 400") && message.contains(SecretScrubber.redacted), "\(message)")
    let secret = Self.project.apiSecret
    let basic = Data("\(secret):".utf8).base64EncodedString()
    var stored = ""
    for name in try FileManager.default.contentsOfDirectory(atPath: "\(lake.path)/_runs") {
      stored += try String(contentsOfFile: "\(lake.path)/_runs/\(name)", encoding: .utf8)
    }
    #expect(stored.contains(SecretScrubber.redacted))
    for text in [message, stored] {
      #expect(!text.contains(secret) && !text.contains(basic) && !text.contains(String(basic.prefix(12))))
    }
  }

  @Test("control bytes in a line are escaped in the error, never printed raw")
  func controlBytesEscaped() async throws {
    let lake = TemporaryDirectory()
    let faults = FakeFaults(seed: 3, controlBytes: FaultRule(rate: 1, maxInjections: 1_000))
    let (result, _) = try await Self.hostileRun(
      lake.path, faults: faults, extra: ["max_attempts": .integer(1), "date_window_size": .integer(1)])
    let summary = try result.get()
    let message = try #require(summary.failedWindows.first?.error)
    #expect(message.contains("\\u001b"), "\(message)")
    #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
  }

  @Test(
    "a bookmark after tomorrow is a corrupt state (named, with the fix); start_date after today is nothing to do, without _SUCCESS"
  )
  func futureDates() async throws {
    let lake = TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: lake.path, withIntermediateDirectories: true)
    try #"{"bookmarks":{"export":"2099-01-01T00:00:00Z"}}"#.write(
      toFile: "\(lake.path)/_state.json", atomically: true, encoding: .utf8)
    try await withFakeMixpanelServer(Self.project, logger: Fixture.logger) { server in
      let config = try Fixture.config(lake: lake.path, server: server, start: "\(Self.first)")
      let error = await #expect(throws: LakeError.self) { try await Fixture.run(config) }
      #expect(error?.description.contains("_state.json") == true)
      #expect(error?.description.contains("later than tomorrow") == true)
      #expect(!error!.isLocalIO)
      try FileSystem.remove("\(lake.path)/_state.json")
      let future = try Fixture.config(
        lake: lake.path, server: server, start: "\(Fixture.today.advanced(by: 3))")
      let summary = try await Fixture.run(future)
      #expect(summary.failedWindows.isEmpty)
      #expect(!Self.successMarked(lake.path))
      #expect(server.requestLog.count == 0)
    }
  }

  @Test("an empty stream list is a config error")
  func emptyStreams() throws {
    #expect(throws: ConfigError.self) {
      try ConfigLoader.parse([
        "api_secret": .string("s"), "start_date": .string("2024-01-01"), "streams": .array([]),
      ])
    }
    #expect(throws: ConfigError.self) {
      try ConfigLoader.parse(
        ["api_secret": .string("s"), "start_date": .string("2024-01-01")],
        overrides: ConfigOverrides(streams: []))
    }
  }

  @Test("tap mode: a 200 error object is never emitted as a RECORD, and the sync fails")
  func tapNeverEmitsErrorObject() async throws {
    let faults = FakeFaults(
      seed: 3, errorObject: .init(rule: FaultRule(rate: 1, maxInjections: 1_000), linesBefore: 50))
    try await withFakeMixpanelServer(
      Self.project, configuration: FakeServerConfiguration(faults: faults), logger: Fixture.logger
    ) { server in
      let config = try SingerFixture.config(
        server, start: Self.first, extra: ["max_attempts": .integer(1), "date_window_size": .integer(1)])
      let output = SingerOutput(capturing: ())
      let tap = SingerTap(
        config: config, catalog: .defaults(streams: config.streams), logger: Fixture.logger,
        clock: VirtualClock(), now: { Fixture.now })
      let error = await #expect(throws: WindowError.self) {
        try await tap.sync(state: SingerState(), to: output)
      }
      #expect(error?.description.contains("is not an event") == true)
      try output.flush()
      let messages = try SingerMessages(output.captured)
      #expect(messages.records("export").isEmpty)
    }
  }

  @Test("a replaced day that shrinks below half of its rows is a warning, not a failure")
  func shrinkingDayWarns() async throws {
    let lake = TemporaryDirectory()
    let before = try await Self.populatedLake(lake.path)
    let line = try #require(try LakeReader(root: lake.path).lines("day=\(Self.first)").first)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
    let name = try #require(object["event"] as? String)
    let logs = InMemoryLogHandler()
    var logger = Logger(label: "shrink-test") { _ in logs }
    logger.logLevel = .warning
    try FileSystem.remove("\(lake.path)/_state.json")
    let summary = try await withFakeMixpanelServer(Self.project, logger: Fixture.logger) { server in
      let config = try Fixture.config(
        lake: lake.path, server: server, start: "\(Self.first)",
        extra: ["export_events": .array([.string(name)]), "query_api_url": .string(server.baseURL)])
      return try await ExportRun(config: config, logger: logger, clock: VirtualClock(), now: { Fixture.now })
        .run()
    }
    #expect(summary.failedWindows.isEmpty)
    let after = try LakeReader(root: lake.path).census().rows
    let shrunk = before.keys.filter { after[$0, default: 0] * 2 < before[$0]! }
    #expect(!shrunk.isEmpty, "narrowing to one name shrinks days: \(after) against \(before)")
    let warned = Set(
      logs.entries.filter { "\($0.message)" == "window.day_shrank" }.compactMap {
        $0.metadata["day"].map { "\($0)" }
      })
    #expect(warned == Set(shrunk), "one warning per shrunk day")
  }
}
