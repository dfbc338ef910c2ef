/// A chart annotation of a fake project (§7). About one day in ten of the data days has one.
public struct FakeAnnotation: Sendable, Hashable {
  public let id: Int
  public let day: FakeDay
  /// `YYYY-MM-DD HH:MM:SS`, the moment the annotation marks.
  public let date: String
  public let description: String
  /// Tag names (App API only).
  public let tags: [String]

  static let descriptions = [
    "Released checkout v2", "Tracking outage 09:00-11:30 UTC", "Campaign \"Summer\" started",
    "Pricing change ✓", "SDK upgrade to 2.55.0",
  ]
  static let tagNames = ["release", "incident", "marketing"]
}

extension FakeProject {
  /// Annotations on days `from`…`to` (inclusive), in date order.
  public func annotations(from: FakeDay, to: FakeDay) -> [FakeAnnotation] {
    guard from <= to else { return [] }
    return (from...to).compactMap { day in
      guard self.dataDays.contains(day) else { return nil }
      var rng = SplitMix64(self.seed, 0xA770_7A7E, UInt64(bitPattern: Int64(day.daysSinceEpoch)))
      guard rng.chance(0.1) else { return nil }
      let seconds = rng.chance(0.5) ? 0 : Int64(rng.below(86_400))
      let description = FakeAnnotation.descriptions[rng.below(FakeAnnotation.descriptions.count)]
      let tags = rng.chance(0.5) ? [FakeAnnotation.tagNames[rng.below(FakeAnnotation.tagNames.count)]] : []
      return FakeAnnotation(
        id: 640_000 + day.daysSinceEpoch % 100_000, day: day,
        date: ProfileGenerator.dateTime(day.startEpochSeconds + seconds, separator: " "),
        description: description, tags: tags)
    }
  }

  /// Every annotation of the project.
  public var allAnnotations: [FakeAnnotation] {
    guard let first = self.dataDays.min(), let last = self.dataDays.max() else { return [] }
    return self.annotations(from: first, to: last)
  }
}
