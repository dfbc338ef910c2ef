import MixpanelAPI
import MixpanelLake
import Testing

@Suite("RequestBudget")
struct RequestBudgetTests {
  @Test(
    "least wall time under 60 per 3630 s and 3 per 1.1 s (the export limiter's margins over Mixpanel's hour and second)",
    arguments: [
      (1, 0), (2, 0), (3, 0), (4, 1), (13, 4), (60, 20), (61, 3630), (365, 6 * 3630), (366, 6 * 3630),
    ])
  func minimum(requests: Int, seconds: Int) {
    #expect(RequestBudget.minimumSeconds(requests: requests, policy: .export) == seconds)
  }

  @Test("durations read as hours, minutes and seconds")
  func describe() {
    #expect(RequestBudget.describe(seconds: 21_604) == "6 h 0 m 4 s")
    #expect(RequestBudget.describe(seconds: 45) == "45 s")
    #expect(RequestBudget.describe(seconds: 61) == "1 m 1 s")
  }
}
