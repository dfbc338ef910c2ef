extension FakeProject {
  /// Number of user profiles (`engage` without filters returns this `total`).
  public var profileCount: Int {
    self.profiles.count
  }

  /// The distinct ids of every profile, in the order `engage` pages through them.
  public var profileDistinctIDs: [String] {
    (0..<self.profiles.count).map(self.profiles.distinctID)
  }

  /// The saved cohorts (none when the project has no profiles).
  public var cohorts: [FakeCohort] {
    self.profiles.count > 0 ? FakeCohort.all : []
  }

  /// Distinct ids of the members of cohort `id`, profiles first, in `engage` order; members
  /// without a profile are included only when `includeAllUsers` is true. Nil for an unknown id.
  public func cohortMembers(_ id: Int, includeAllUsers: Bool = true) -> [String]? {
    guard let cohort = self.cohorts.first(where: { $0.id == id }) else { return nil }
    let withProfile = (0..<self.profiles.count).filter { self.profiles.isMember($0, of: cohort) }
      .map(self.profiles.distinctID)
    return withProfile + (includeAllUsers ? self.profiles.profilelessMembers(of: cohort) : [])
  }
}
