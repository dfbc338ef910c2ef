import Testing

@testable import MixpanelFake

@Suite struct FakeDayTests {
  @Test func parsesAndFormats() {
    #expect(FakeDay("2024-02-29")?.description == "2024-02-29")
    #expect(FakeDay("1970-01-01")?.daysSinceEpoch == 0)
    #expect(FakeDay("2024-06-01")?.startEpochSeconds == 1_717_200_000)
    #expect(FakeDay(containingEpochSeconds: 1_717_243_512) == FakeDay("2024-06-01"))
  }

  @Test(arguments: ["2023-02-29", "2024-13-01", "2024-6-01", "20240601", "2024-06-01x", "", "abcd-ef-gh"])
  func rejectsInvalidDates(_ text: String) {
    #expect(FakeDay(text) == nil)
  }

  @Test func roundTripsEveryDayOfSeveralYears() {
    for offset in -800...800 {
      let day = FakeDay(daysSinceEpoch: 19_000 + offset)
      #expect(FakeDay(day.description) == day)
    }
  }
}
