import MixpanelAPI

/// The lake's row shapes for the full-table streams: one compact JSON object per line, value
/// types as Mixpanel sent them.
enum FullTableRow {
  /// An engage profile flattened the way tap-mixpanel does it: `distinct_id` first, then every
  /// `$properties` member at the top level with `$x` renamed `mp_reserved_x`.
  ///
  /// `{"$distinct_id":"u1","$properties":{"$email":"a@b","plan":"pro"}}`
  /// → `{"distinct_id":"u1","mp_reserved_email":"a@b","plan":"pro"}`
  ///
  /// When two members land on the same column (`$x` beside `mp_reserved_x`, or a property named
  /// `distinct_id`), the profile's key wins over properties and a later property over an earlier
  /// one, as in tap-mixpanel; each column appears once. Nil when the record has no string id.
  static func engageProfile(_ profile: JSONNode) -> (distinctID: String, line: [UInt8])? {
    guard let distinctID = profile["$distinct_id"]?.stringValue else { return nil }
    var columns: [(key: String, value: JSONNode)] = [("distinct_id", .string(distinctID))]
    var position: [String: Int] = ["distinct_id": 0]
    for member in profile["$properties"]?.objectValue ?? [] {
      let key = member.key.hasPrefix("$") ? "mp_reserved_" + member.key.dropFirst() : member.key
      if key == "distinct_id" { continue }
      if let index = position[key] {
        columns[index].value = member.value
      } else {
        position[key] = columns.count
        columns.append((key, member.value))
      }
    }
    return (distinctID, JSONNode.object(columns).bytes)
  }

  /// `{"cohort_id":N,"distinct_id":"…"}` for a member of a cohort; nil without a string id.
  static func cohortMember(cohortID: String, _ profile: JSONNode) -> (distinctID: String, line: [UInt8])? {
    guard let distinctID = profile["$distinct_id"]?.stringValue else { return nil }
    let line = JSONNode.object([("cohort_id", .number(cohortID)), ("distinct_id", .string(distinctID))]).bytes
    return (distinctID, line)
  }
}
