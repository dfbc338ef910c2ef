/// Generates a project's user profiles: profile `i` has distinct id `user_<10000 + i>` (the
/// same id space as the events) and properties that are a pure function of (seed, i).
struct ProfileGenerator: Sendable {
  let seed: UInt64
  let count: Int
  let today: FakeDay

  static let plans = ["free", "pro", "team", "enterprise"]
  private static let people = [
    ("Ana", "Schmidt"), ("Bruno", "Silva"), ("Chloé", "Dubois"), ("Dmitri", "Ivanov"), ("Emi", "Tanaka"),
    ("Fatima", "Al-Sayed"), ("Gustav", "Ødegaard"), ("Hana", "\"Hanny\" Kim"),
  ]
  private static let places = [
    ("Berlin", "Berlin", "DE", "Europe/Berlin"), ("Zürich", "Zürich", "CH", "Europe/Zurich"),
    ("東京", "Tokyo", "JP", "Asia/Tokyo"), ("São Paulo", "São Paulo", "BR", "America/Sao_Paulo"),
    ("New York", "New York", "US", "America/New_York"),
  ]
  private static let tags = ["trial", "inbound", "beta", "vip", "ünïcödé"]

  /// The facts cohorts and revenue are built from.
  struct Traits {
    var planIndex: Int
    var purchases: Int
  }

  func distinctID(_ index: Int) -> String {
    "user_\(10_000 + index)"
  }

  /// Index of the profile with `distinctID`, if there is one.
  func index(of distinctID: String) -> Int? {
    guard distinctID.hasPrefix("user_"), let number = Int(distinctID.dropFirst(5)) else { return nil }
    let index = number - 10_000
    return index >= 0 && index < self.count ? index : nil
  }

  private func random(_ index: Int) -> SplitMix64 {
    SplitMix64(self.seed, 0x9F0F_11E5, UInt64(index))
  }

  func traits(_ index: Int) -> Traits {
    var rng = self.random(index)
    return Traits(planIndex: rng.below(Self.plans.count), purchases: rng.below(5))
  }

  /// `$properties` of profile `index`, in a fixed key order. Some keys are missing on some
  /// profiles, as in real projects.
  func properties(_ index: Int) -> [(String, JSONValue)] {
    var rng = self.random(index)
    let traits = Traits(planIndex: rng.below(Self.plans.count), purchases: rng.below(5))
    let (first, last) = Self.people[rng.below(Self.people.count)]
    let (city, region, country, timezone) = Self.places[rng.below(Self.places.count)]
    let todayEnd = self.today.startEpochSeconds + 86_399
    let created = todayEnd - Int64(rng.below(700 * 86_400))
    let lastSeen = created + Int64(rng.below(Int(todayEnd - created) + 1))
    var out: [(String, JSONValue)] = [
      ("$created", .string(Self.dateTime(created))),
      ("$email", .string("\(first.lowercased()).\(10_000 + index)@example.com")),
      ("$name", .string("\(first) \(last)")),
      ("$last_seen", .string(Self.dateTime(lastSeen))),
      ("$city", .string(city)),
      ("$region", .string(region)),
      ("$country_code", .string(country)),
      ("$timezone", .string(timezone)),
      ("plan", .string(Self.plans[traits.planIndex])),
      ("purchases", .int(traits.purchases)),
    ]
    if rng.chance(0.6) { out.append(("seats", .int(1 + rng.below(50)))) }
    out.append(("lifetime_value", .double(Double(rng.below(100_000)) / 100)))
    if rng.chance(0.5) { out.append(("invited", .bool(rng.chance(0.5)))) }
    if rng.chance(0.3) {
      out.append(
        ("tags", .array((0..<(1 + rng.below(3))).map { _ in .string(Self.tags[rng.below(Self.tags.count)]) }))
      )
    }
    if rng.chance(0.05) { out.append(("utm", .object([("source", .string("newsletter"))]))) }
    return out
  }

  /// Whether profile `index` belongs to `cohort`.
  func isMember(_ index: Int, of cohort: FakeCohort) -> Bool {
    switch cohort.rule {
    case .repeatBuyers: self.traits(index).purchases >= 2
    case .empty: false
    case .enterprise: self.traits(index).planIndex == 3
    case .importedList: index % 7 == 0
    }
  }

  /// Members of `cohort` that have no profile (distinct ids past the last profile).
  func profilelessMembers(of cohort: FakeCohort) -> [String] {
    guard cohort.rule == .importedList else { return [] }
    return (0..<(self.count / 20)).map { self.distinctID(self.count + $0) }
  }

  /// `YYYY-MM-DDTHH:MM:SS` (no timezone), like Mixpanel's reserved profile dates.
  static func dateTime(_ epochSeconds: Int64, separator: String = "T") -> String {
    let day = FakeDay(containingEpochSeconds: epochSeconds)
    let seconds = Int(epochSeconds - day.startEpochSeconds)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(day)\(separator)\(two(seconds / 3_600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
  }
}
