import CalendarDay
import Foundation
import Lake
import MixpanelLake
import Testing

@Suite("Planner")
struct PlannerTests {
  static let today = Day("2024-07-15")!

  static func plan(
    start: String, end: String? = nil, bookmark: String? = nil, attribution: Int = 5, size: Int = 30
  ) -> WindowPlan {
    Planner.plan(
      startDate: Day(start)!, endDate: end.map { Day($0)! },
      bookmark: bookmark.map { Int64(ISO8601DateFormatter().date(from: $0)!.timeIntervalSince1970) },
      attributionWindow: attribution, windowSize: size, today: today)
  }

  static func names(_ plan: WindowPlan) -> [String] { plan.windows.map(\.description) }

  @Test("windows of date_window_size days, inclusive, the last one cut at today")
  func windowEdges() {
    let plan = Self.plan(start: "2024-06-01", size: 10)
    #expect(
      Self.names(plan) == [
        "2024-06-01..2024-06-10", "2024-06-11..2024-06-20", "2024-06-21..2024-06-30",
        "2024-07-01..2024-07-10", "2024-07-11..2024-07-15",
      ])
    #expect(plan.clampedStartDate == nil)
    #expect(Self.names(Self.plan(start: "2024-07-15", size: 30)) == ["2024-07-15..2024-07-15"])
    #expect(Self.names(Self.plan(start: "2024-07-06", size: 1)).count == 10)
  }

  @Test("history_days moves the clamp; 0 lifts it, so two years back plan from start_date")
  func historyDays() {
    let long = Planner.plan(
      startDate: Day("2022-07-01")!, endDate: nil, bookmark: nil, attributionWindow: 5, windowSize: 30,
      today: Self.today, historyDays: 0)
    #expect(long.clampedStartDate == nil && long.firstDay == Day("2022-07-01") && long.lastDay == Self.today)
    #expect(long.windows.first?.from == Day("2022-07-01") && long.windows.count == 25)
    let short = Planner.plan(
      startDate: Day("2024-01-01")!, endDate: nil, bookmark: nil, attributionWindow: 5, windowSize: 30,
      today: Self.today, historyDays: 10)
    #expect(short.clampedStartDate == Day("2024-01-01") && short.firstDay == Day("2024-07-05"))
  }

  @Test("a start date older than 365 days is clamped, and the clamp is reported")
  func clamp() {
    let plan = Self.plan(start: "2020-01-01", size: 366)
    #expect(plan.clampedStartDate == Day("2020-01-01"))
    #expect(plan.firstDay == Day("2023-07-16"))
    #expect(Self.names(plan) == ["2023-07-16..2024-07-15"])
  }

  @Test("end_date bounds the plan; an end date after today stops at today")
  func endDate() {
    #expect(Self.names(Self.plan(start: "2024-07-01", end: "2024-07-03")) == ["2024-07-01..2024-07-03"])
    #expect(Self.names(Self.plan(start: "2024-07-10", end: "2025-01-01")) == ["2024-07-10..2024-07-15"])
    #expect(Self.plan(start: "2024-07-16").windows.isEmpty)
  }

  @Test("a later run starts attribution_window days before the bookmark's day, never before start_date")
  func bookmark() {
    #expect(
      Self.names(Self.plan(start: "2024-01-01", bookmark: "2024-07-10T13:05:00Z"))
        == ["2024-07-05..2024-07-15"])
    #expect(
      Self.names(Self.plan(start: "2024-07-09", bookmark: "2024-07-10T13:05:00Z"))
        == ["2024-07-09..2024-07-15"])
    #expect(
      Self.names(Self.plan(start: "2024-01-01", bookmark: "2024-07-10T00:00:00Z", attribution: 0))
        == ["2024-07-10..2024-07-15"])
  }

  @Test("today is read in the zone: east of UTC it is already tomorrow, west it is still yesterday")
  func timezones() {
    // 2024-07-15T23:30:00Z
    let now = Date(timeIntervalSince1970: 1_721_086_200)
    #expect(Planner.today(now: now, zone: TimeZone(identifier: "UTC")!) == Day("2024-07-15"))
    #expect(Planner.today(now: now, zone: TimeZone(identifier: "Asia/Tokyo")!) == Day("2024-07-16"))
    // 2024-07-15T03:00:00Z
    let early = Date(timeIntervalSince1970: 1_721_012_400)
    #expect(
      Planner.today(now: early, zone: TimeZone(identifier: "America/Los_Angeles")!) == Day("2024-07-14"))
    #expect(Planner.today(now: early, zone: TimeZone(identifier: "Europe/Berlin")!) == Day("2024-07-15"))
  }

  @Test("a window splits into two halves down to one day")
  func halves() throws {
    let window = DayWindow(from: Day("2024-06-01")!, to: Day("2024-06-05")!)
    let (left, right) = try #require(window.halves)
    #expect(left.description == "2024-06-01..2024-06-02" && right.description == "2024-06-03..2024-06-05")
    #expect(DayWindow(from: Day("2024-06-01")!, to: Day("2024-06-01")!).halves == nil)
  }
}

@Suite("BookmarkTracker")
struct BookmarkTrackerTests {
  static let windows = [
    ("2024-06-01", "2024-06-10"), ("2024-06-11", "2024-06-20"), ("2024-06-21", "2024-06-30"),
  ]
  .map { DayWindow(from: Day($0.0)!, to: Day($0.1)!) }

  @Test("advances only over the gap-free prefix of committed windows")
  func gapFreePrefix() {
    var tracker = BookmarkTracker(windows: Self.windows, bookmark: nil, notAfter: .max)
    let movedEarly = tracker.commit(Self.windows[1], maxTime: "2024-06-20T10:00:00Z")
    #expect(!movedEarly)
    #expect(tracker.bookmark == nil)
    let moved = tracker.commit(Self.windows[0], maxTime: "2024-06-10T08:00:00Z")
    #expect(moved)
    #expect(tracker.bookmark.map { Timestamp.iso8601($0) } == "2024-06-20T10:00:00Z")
    #expect(tracker.committedPrefixCount == 2)
  }

  @Test("a future-dated event cannot push the bookmark past the window's last day")
  func capped() {
    var tracker = BookmarkTracker(windows: Self.windows, bookmark: nil, notAfter: .max)
    _ = tracker.commit(Self.windows[0], maxTime: "2031-01-01T00:00:00Z")
    #expect(tracker.bookmark.map { Timestamp.iso8601($0) } == "2024-06-10T23:59:59Z")
  }

  @Test("a window with no rows moves the bookmark to the end of its last day, never past now, in order")
  func emptyWindows() {
    let now = Timestamp.parse("2024-06-25T12:00:00Z")!
    var tracker = BookmarkTracker(windows: Self.windows, bookmark: nil, notAfter: now)
    let early = tracker.commit(Self.windows[1], maxTime: nil)
    #expect(!early, "not before the windows ahead of it")
    let first = tracker.commit(Self.windows[0], maxTime: nil)
    #expect(first)
    #expect(tracker.bookmark.map { Timestamp.iso8601($0) } == "2024-06-20T23:59:59Z")
    let last = tracker.commit(Self.windows[2], maxTime: nil)
    #expect(last)
    #expect(tracker.bookmark == now, "the window reaching past now stops at now")
  }
}
