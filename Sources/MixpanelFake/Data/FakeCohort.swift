/// A saved cohort of a fake project (`cohorts/list`, §6). Membership is a fixed rule over the
/// generated profiles, so it is deterministic.
public struct FakeCohort: Sendable, Hashable {
  public let id: Int
  public let name: String
  public let description: String
  /// `YYYY-MM-DD HH:MM:SS`
  public let created: String
  public let isVisible: Bool
  let rule: Rule

  enum Rule: Sendable, Hashable {
    /// Profiles with at least two purchases.
    case repeatBuyers
    /// Nobody.
    case empty
    /// Profiles on the enterprise plan.
    case enterprise
    /// Every seventh profile, plus distinct ids that have no profile.
    case importedList
  }

  /// The cohorts of every project that has profiles.
  static let all: [FakeCohort] = [
    FakeCohort(
      id: 4_817_263, name: "Repeat buyers", description: "Users who purchased at least twice in 30 days",
      created: "2024-02-11 16:03:27", isVisible: true, rule: .repeatBuyers),
    FakeCohort(
      id: 4_712_005, name: "Churn risk (draft)", description: "", created: "2023-11-30 08:45:00",
      isVisible: false, rule: .empty),
    FakeCohort(
      id: 4_820_001, name: "Enterprise \"VIP\" accounts", description: "Plan is enterprise ✓",
      created: "2024-03-05 10:00:00", isVisible: true, rule: .enterprise),
    FakeCohort(
      id: 4_820_002, name: "Imported list", description: "CSV upload; some members have no profile",
      created: "2024-04-01 12:30:00", isVisible: true, rule: .importedList),
  ]
}
