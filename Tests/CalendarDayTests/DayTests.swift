import CalendarDay
import Testing

@Suite("Day")
struct DayTests {
  @Test("parses and prints yyyy-mm-dd, round trip over four centuries of leap rules")
  func roundTrip() throws {
    #expect(Day("1970-01-01")?.daysSinceEpoch == 0)
    #expect(Day("2024-02-29")?.description == "2024-02-29")
    #expect(Day("2023-02-29") == nil)
    #expect(Day("1900-02-29") == nil)
    #expect(Day("2000-02-29") != nil)
    for text in ["2024-6-01", "2024-06-1", "20240601", "2024-13-01", "2024-00-10", "abcd-ef-gh", ""] {
      #expect(Day(text) == nil, "\(text)")
    }
    for days in stride(from: -150_000, to: 150_000, by: 37) {
      let day = Day(daysSinceEpoch: days)
      #expect(Day(day.description) == day)
    }
  }

  @Test("maps epoch seconds to the UTC day, before and after 1970")
  func epochSeconds() {
    #expect(Day(epochSeconds: 1_717_243_512).description == "2024-06-01")
    #expect(Day(epochSeconds: 1_717_200_000).description == "2024-06-01")
    #expect(Day(epochSeconds: 1_717_199_999).description == "2024-05-31")
    #expect(Day(epochSeconds: -1).description == "1969-12-31")
    #expect(Day(epochSeconds: -86_400).description == "1969-12-31")
    #expect(Day(epochSeconds: -86_401).description == "1969-12-30")
  }
}
