import Foundation
import Testing

@testable import MixpanelFake

@Suite struct GeneratorTests {
  let range = (day("2024-06-01"), day("2024-06-07"))

  @Test func sameSeedGivesIdenticalBytes() {
    let a = makeProject(seed: 11).exportBody(from: range.0, to: range.1)
    let b = makeProject(seed: 11).exportBody(from: range.0, to: range.1)
    #expect(!a.isEmpty)
    #expect(a == b)
  }

  @Test func differentSeedGivesDifferentBytes() {
    let a = makeProject(seed: 11).dayBody(day("2024-06-01"))
    let b = makeProject(seed: 12).dayBody(day("2024-06-01"))
    #expect(a != b)
  }

  @Test func dayBodyDoesNotDependOnOtherDaysOrRanges() {
    let project = makeProject()
    let single = project.exportBody(from: day("2024-06-03"), to: day("2024-06-03"))
    let fresh = makeProject().dayBody(day("2024-06-03"))
    #expect(single == fresh)
  }

  @Test func everyLineIsValidJSONWithTheExpectedShape() throws {
    let project = makeProject(eventsPerDay: 200)
    let text = String(decoding: project.exportBody(from: range.0, to: range.1), as: UTF8.self)
    #expect(text.hasSuffix("\n"))
    let lines = text.split(separator: "\n")
    #expect(lines.count == project.truth(from: range.0, to: range.1).total)
    let objects = try #require(parseLines(lines))
    for (line, object) in zip(lines, objects) {
      #expect(Set(object.keys) == ["event", "properties"])
      #expect(line.hasPrefix("{\"event\":"))
      let name = try #require(object["event"] as? String)
      #expect(FakeProject.eventNames.contains(name))
      let properties = try #require(object["properties"] as? [String: Any])
      for key in ["time", "distinct_id", "$insert_id", "mp_processing_time_ms", "$mp_api_endpoint", "mp_lib"]
      {
        #expect(properties[key] != nil, "missing \(key)")
      }
      #expect(properties.count >= 7 + 15 && properties.count <= 7 + 30)
      let time = try #require(properties["time"] as? Int)
      let processing = try #require(properties["mp_processing_time_ms"] as? Int)
      #expect(processing > time * 1_000)
      #expect(processing < (time + 3_600) * 1_000)
      let eventDay = FakeDay(containingEpochSeconds: Int64(time))
      #expect(eventDay >= range.0 && eventDay <= range.1)
    }
  }

  @Test func dataCoversTheTrickyJSONCases() {
    let text = String(decoding: makeProject(eventsPerDay: 300).dayBody(day("2024-06-01")), as: UTF8.self)
    for fragment in [
      "Zürich", "東京", "🚀", "\\\"", "\\\\", "\\n", "\\u0000", "9007199254740993", "null", "true",
      "{\"nested\":", "[[1,2]",
    ] {
      let found = text.contains(fragment)
      #expect(found, "no \(fragment)")
    }
  }

  @Test func insertIDsAreUniqueAcrossARange() {
    let project = makeProject(eventsPerDay: 300)
    let text = String(
      decoding: project.exportBody(from: day("2024-05-01"), to: day("2024-06-30")), as: UTF8.self)
    var ids = Set<Substring>()
    var count = 0
    for line in text.split(separator: "\n") {
      let start = line.range(of: "\"$insert_id\":\"")!.upperBound
      ids.insert(line[start..<line.index(start, offsetBy: 32)])
      count += 1
    }
    #expect(count > 10_000)
    #expect(ids.count == count)
  }

  @Test func perDayCountsVaryAroundEventsPerDay() {
    let project = makeProject(eventsPerDay: 1_000)
    let truth = project.truth(from: day("2024-01-01"), to: day("2024-06-30"))
    #expect(truth.days.allSatisfy { $0.count >= 800 && $0.count <= 1_200 })
    #expect(Set(truth.days.map(\.count)).count > 50)
    #expect(
      makeProject(eventsPerDay: 1).truth(from: day("2024-06-01"), to: day("2024-06-30")).days
        .allSatisfy { $0.count == 1 })
  }

  @Test func daysOutsideTheDataSetAreEmpty() {
    let project = FakeProject(
      seed: 1, eventsPerDay: 10, today: testToday, dataDays: [day("2024-06-02"), day("2024-06-04")])
    let truth = project.truth(from: day("2024-06-01"), to: day("2024-06-05"))
    #expect(truth.days.map(\.count).map { $0 > 0 } == [false, true, false, true, false])
    #expect(project.dayBody(day("2024-06-01")).isEmpty)
    let defaults = FakeProject(eventsPerDay: 10, today: testToday)
    #expect(defaults.dataDays.count == 400)
    #expect(defaults.dataDays.contains(testToday))
    #expect(!defaults.dataDays.contains(testToday.advanced(by: -400)))
  }

  @Test func timeInMsKeepsTheSameEventsWithMillisecondPrecision() throws {
    let project = makeProject()
    let seconds = try #require(
      parseLines(
        String(decoding: project.dayBody(day("2024-06-01")), as: UTF8.self)
          .split(separator: "\n")))
    let millis = try #require(
      parseLines(
        String(
          decoding: project.dayBody(day("2024-06-01"), timeInMs: true),
          as: UTF8.self
        ).split(separator: "\n")))
    #expect(seconds.count == millis.count)
    for (s, m) in zip(seconds, millis) {
      let sp = s["properties"] as! [String: Any]
      let mp = m["properties"] as! [String: Any]
      #expect(sp["$insert_id"] as? String == mp["$insert_id"] as? String)
      #expect((mp["time"] as! Int) / 1_000 == sp["time"] as! Int)
    }
  }

  @Test func eventCountsByNameMatchTheBody() throws {
    let project = makeProject(eventsPerDay: 400)
    let objects = try #require(
      parseLines(
        String(decoding: project.dayBody(day("2024-06-01")), as: UTF8.self)
          .split(separator: "\n")))
    var counted: [String: Int] = [:]
    for object in objects { counted[object["event"] as! String, default: 0] += 1 }
    #expect(counted == project.eventCountsByName(on: day("2024-06-01")))
  }

  @Test func eventFilterAndLimitSelectWholeLines() throws {
    let project = makeProject(eventsPerDay: 200)
    let names: Set<String> = ["Purchase", "Shared \"Link\""]
    let filtered = String(
      decoding: project.exportBody(from: range.0, to: range.1, events: names), as: UTF8.self)
    let objects = try #require(parseLines(filtered.split(separator: "\n")))
    #expect(objects.allSatisfy { names.contains($0["event"] as! String) })
    let expected = (0...6).map { range.0.advanced(by: $0) }.reduce(0) { total, day in
      let counts = project.eventCountsByName(on: day)
      return total + names.reduce(0) { $0 + (counts[$1] ?? 0) }
    }
    #expect(objects.count == expected)
    let limited = project.exportBody(from: range.0, to: range.1, events: names, limit: 5)
    #expect(
      String(decoding: limited, as: UTF8.self).split(separator: "\n")
        == Array(filtered.split(separator: "\n").prefix(5)))
  }

  @Test func truthJSONIsOrderedByDay() {
    let project = makeProject()
    let truth = project.truth(from: day("2024-06-01"), to: day("2024-06-03"))
    let json = truth.json
    #expect(json.hasPrefix("{\n  \"2024-06-01\": "))
    let decoded = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Int]
    #expect(decoded?["2024-06-02"] == truth.count(on: day("2024-06-02")))
    #expect(decoded?.count == 3)
  }
}
