import Foundation
import Testing

@testable import MixpanelFake

@Suite struct LateArrivalTests {
  static let june1 = day("2024-06-01")

  func lines(_ bytes: [UInt8]) -> [Substring] {
    String(decoding: bytes, as: UTF8.self).split(separator: "\n")
  }

  func late(seed: UInt64 = 7, share: Double = 0.05, now: Int64? = nil) -> FakeProject {
    FakeProject(
      seed: seed, eventsPerDay: 400, today: testToday, now: now, lateArrivals: true, lateShare: share)
  }

  @Test func lateShareIsIgnoredWhileLateArrivalsAreOff() {
    let plain = makeProject(eventsPerDay: 400)
    let ignored = FakeProject(seed: 7, eventsPerDay: 400, today: testToday, lateShare: 0.9)
    #expect(plain.dayBody(Self.june1) == ignored.dayBody(Self.june1))
  }

  @Test func onTimeLinesAreByteIdenticalToAProjectWithoutLateArrivals() throws {
    let plain = lines(makeProject(eventsPerDay: 400).dayBody(Self.june1))
    let mixed = lines(late().dayBody(Self.june1))
    #expect(plain.count == mixed.count)
    var lateLines = 0
    for (a, b) in zip(plain, mixed) where a != b {
      lateLines += 1
      let pa = try #require(parseLines([a])?.first?["properties"] as? [String: Any])
      let pb = try #require(parseLines([b])?.first?["properties"] as? [String: Any])
      #expect(pa["$insert_id"] as? String == pb["$insert_id"] as? String)
      #expect(pa["time"] as? Int == pb["time"] as? Int)
      #expect((pb["mp_processing_time_ms"] as! Int) > (pa["mp_processing_time_ms"] as! Int))
    }
    #expect(lateLines > 0)
  }

  @Test func aboutLateShareOfEventsArriveOneToFourDaysLate() throws {
    let project = late(share: 0.1)
    let body = project.exportBody(from: day("2024-06-01"), to: day("2024-06-10"))
    let all = try #require(parseLines(lines(body))).map { $0["properties"] as! [String: Any] }
    let lags = all.map { ($0["mp_processing_time_ms"] as! Int) - ($0["time"] as! Int) * 1_000 }
    let lateLags = lags.filter { $0 >= 86_400_000 }
    #expect(lateLags.allSatisfy { $0 <= 4 * 86_400_000 + 1_000 })
    #expect(lags.filter { $0 < 86_400_000 }.allSatisfy { $0 < 3_600_000 })
    let share = Double(lateLags.count) / Double(lags.count)
    #expect(share > 0.07 && share < 0.13, "late share \(share)")
  }

  @Test func defaultNowServesEverythingIncludingLateEvents() {
    let project = late()
    #expect(project.now == nil)
    let truth = project.truth(from: day("2024-06-20"), to: testToday)
    #expect(truth.days == makeProject(eventsPerDay: 400).truth(from: day("2024-06-20"), to: testToday).days)
  }

  @Test func nowHidesEventsNotYetProcessedAndFutureEvents() throws {
    let now = day("2024-06-03").startEpochSeconds + 12 * 3_600  // noon on June 3rd
    let project = late(share: 0.2, now: now)
    let body = project.exportBody(from: day("2024-06-01"), to: day("2024-06-03"))
    let served = try #require(parseLines(lines(body))).map { $0["properties"] as! [String: Any] }
    #expect(served.allSatisfy { ($0["mp_processing_time_ms"] as! Int) <= Int(now) * 1_000 })
    #expect(served.allSatisfy { ($0["time"] as! Int) <= Int(now) })
    let truth = project.truth(from: day("2024-06-01"), to: day("2024-06-03"))
    #expect(served.count == truth.total)
    let everything = project.truth(from: day("2024-06-01"), to: day("2024-06-03"), now: nil)
    #expect(truth.count(on: day("2024-06-03")) < everything.count(on: day("2024-06-03")) / 2 + 40)
    #expect(truth.count(on: day("2024-06-01")) < everything.count(on: day("2024-06-01")))
  }

  @Test func laterNowServesASupersetOfTheSameWindow() {
    let project = late(share: 0.2)
    let t1 = day("2024-06-02").startEpochSeconds + 3_600
    let t2 = day("2024-06-06").startEpochSeconds
    project.setNow(t1)
    let first = Set(lines(project.dayBody(Self.june1)))
    let truthAtT1 = project.truth(from: Self.june1, to: Self.june1)
    project.setNow(t2)
    let second = Set(lines(project.dayBody(Self.june1)))
    #expect(first.isSubset(of: second))
    #expect(second.count > first.count)
    #expect(truthAtT1.total == first.count)
    #expect(project.truth(from: Self.june1, to: Self.june1).total == second.count)
    #expect(project.truth(from: Self.june1, to: Self.june1, now: t1) == truthAtT1)
    // Five days after the day ends, nothing of it is left to arrive.
    #expect(second.count == project.truth(from: Self.june1, to: Self.june1, now: nil).total)
  }

  @Test func eventCountsByNameFollowNow() throws {
    let project = late(share: 0.3, now: day("2024-06-02").startEpochSeconds)
    let served = try #require(parseLines(lines(project.dayBody(Self.june1))))
    var counted: [String: Int] = [:]
    for object in served { counted[object["event"] as! String, default: 0] += 1 }
    #expect(counted == project.eventCountsByName(on: Self.june1))
    #expect(counted.values.reduce(0, +) == project.eventCount(on: Self.june1))
  }
}
