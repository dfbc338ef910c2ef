/// Service-account credentials a fake project accepts (with `project_id`).
public struct FakeServiceAccount: Sendable, Hashable {
  public var username: String
  public var secret: String
  public var projectID: Int

  public init(username: String, secret: String, projectID: Int) {
    self.username = username
    self.secret = secret
    self.projectID = projectID
  }
}

/// A deterministic fake Mixpanel project: its events are a pure function of (seed, day).
///
/// Day bodies are rendered on first use and cached, so serving them is a memcpy (or less).
public final class FakeProject: Sendable {
  public let seed: UInt64
  public let eventsPerDay: Int
  /// The project's "today" (UTC). `to_date` after this day is rejected.
  public let today: FakeDay
  /// Days that have events. Other days are empty.
  public let dataDays: Set<FakeDay>
  public let apiSecret: String
  public let serviceAccount: FakeServiceAccount?

  /// Every event name the generator uses.
  public static var eventNames: [String] { EventGenerator.eventNames }

  let generator: EventGenerator
  private let cache: DayCache

  /// - Parameters:
  ///   - today: defaults to the current UTC day.
  ///   - dataDays: defaults to the 400 days ending at `today` (inclusive).
  ///   - cacheLimitBytes: bound for the rendered-day cache; nil keeps every rendered day.
  public init(
    seed: UInt64 = 42,
    eventsPerDay: Int = 1_000,
    today: FakeDay? = nil,
    dataDays: Set<FakeDay>? = nil,
    apiSecret: String = "fake-secret",
    serviceAccount: FakeServiceAccount? = nil,
    cacheLimitBytes: Int? = nil
  ) {
    let today = today ?? FakeDay.todayUTC()
    self.seed = seed
    self.eventsPerDay = max(0, eventsPerDay)
    self.today = today
    self.dataDays = dataDays ?? Set(today.advanced(by: -399)...today)
    self.apiSecret = apiSecret
    self.serviceAccount = serviceAccount
    self.generator = EventGenerator(seed: seed, eventsPerDay: max(0, eventsPerDay))
    self.cache = DayCache(limitBytes: cacheLimitBytes)
  }

  /// Number of events the export returns for `day` with no filter.
  public func eventCount(on day: FakeDay) -> Int {
    self.dataDays.contains(day) ? self.generator.eventCount(on: day) : 0
  }

  /// Per-event-name counts for `day` (names with zero events are left out).
  public func eventCountsByName(on day: FakeDay) -> [String: Int] {
    var counts: [String: Int] = [:]
    for index in 0..<self.eventCount(on: day) {
      let name = EventGenerator.eventNames[self.generator.eventNameIndex(day: day, index: index)]
      counts[name, default: 0] += 1
    }
    return counts
  }

  /// Exact per-day counts the export endpoint returns for the inclusive range, with no filter.
  public func truth(from: FakeDay, to: FakeDay) -> FakeTruth {
    guard from <= to else { return FakeTruth(days: []) }
    return FakeTruth(days: (from...to).map { FakeTruth.DayCount(day: $0, count: self.eventCount(on: $0)) })
  }

  /// The JSONL body of one day exactly as served (no filter), e.g. for tests and benchmarks.
  public func dayBody(_ day: FakeDay, timeInMs: Bool = false) -> [UInt8] {
    guard let rendered = self.rendered(day, timeInMs: timeInMs) else { return [] }
    return Array(rendered.buffer.readableBytesView)
  }

  /// The complete export body for a request, concatenated (convenient for tests).
  public func exportBody(
    from: FakeDay, to: FakeDay, events: Set<String>? = nil, limit: Int? = nil, timeInMs: Bool = false
  ) -> [UInt8] {
    var out: [UInt8] = []
    for buffer in self.export(from: from, to: to, events: events, limit: limit, timeInMs: timeInMs).buffers {
      out.append(contentsOf: buffer.readableBytesView)
    }
    return out
  }

  func rendered(_ day: FakeDay, timeInMs: Bool) -> RenderedDay? {
    guard self.dataDays.contains(day), self.generator.eventCount(on: day) > 0 else { return nil }
    return self.cache.get(day: day, timeInMs: timeInMs) {
      self.generator.render(day: day, timeInMs: timeInMs)
    }
  }

  /// Builds the export body from cached day bodies (renders missing days; call off the event loop).
  func export(
    from: FakeDay, to: FakeDay, events: Set<String>?, limit: Int?, timeInMs: Bool
  ) -> ExportBody {
    var body = ExportBody()
    guard from <= to else { return body }
    let wanted: [Bool]? = events.map { names in EventGenerator.eventNames.map { names.contains($0) } }
    var remaining = limit ?? Int.max
    for day in from...to where remaining > 0 {
      guard let rendered = self.rendered(day, timeInMs: timeInMs) else { continue }
      guard let wanted else {
        let take = min(remaining, rendered.lineCount)
        body.append(rendered, lines: 0..<take)
        remaining -= take
        continue
      }
      var line = 0
      while line < rendered.lineCount, remaining > 0 {
        guard wanted[Int(rendered.nameIndexes[line])] else {
          line += 1
          continue
        }
        var end = line + 1
        while end < rendered.lineCount, end - line < remaining, wanted[Int(rendered.nameIndexes[end])] {
          end += 1
        }
        body.append(rendered, lines: line..<end)
        remaining -= end - line
        line = end
      }
    }
    return body
  }
}
