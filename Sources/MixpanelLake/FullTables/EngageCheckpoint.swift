import Foundation
import Lake

/// Where an interrupted engage pass stopped (mixpanel-api.md §5.3: 300k profiles are 300 pages,
/// five hours at 60 requests an hour, so a pass must survive an interruption): the session, the
/// next page, and the finished part files kept under their temporary names. The next run
/// continues from there while Mixpanel keeps the session; when the session is gone it discards
/// the files and starts again from page 0.
///
/// Stored as `<lake>/engage/.resume.json` (readers ignore dot files), in both commit modes
/// (both keep unfinished parts under hidden names); the sweep at the start of a run keeps the
/// files it lists.
struct EngageCheckpoint: Codable, Equatable, Sendable {
  static let formatVersion = 1

  var formatVersion = Self.formatVersion
  var sessionID: String
  var nextPage: Int
  var pageSize: Int
  /// Results read before `nextPage`, and page 0's `total`: the pager's checks go on from them.
  var rows: Int
  var total: Int?
  /// The day the pass's snapshot is of, and the folder its files are in (`engage` or
  /// `engage/snapshot_date=…`): a resumed pass commits there.
  var snapshotDate: String
  var partition: String
  var files: [ManifestFile]
  var savedAt: String

  enum CodingKeys: String, CodingKey {
    case formatVersion = "format_version"
    case sessionID = "session_id"
    case nextPage = "next_page"
    case pageSize = "page_size"
    case rows, total
    case snapshotDate = "snapshot_date"
    case partition, files
    case savedAt = "saved_at"
  }

  static func path(lake: String) -> String { LakeLayout(root: lake).engageCheckpoint }

  /// The checkpoint of `lake`, or nil when there is none or it cannot be read (a pass then
  /// starts from page 0; the unreadable file is replaced or removed by that pass).
  static func read(lake: String) -> EngageCheckpoint? {
    guard let bytes = try? FileSystem.read(path(lake: lake)),
      let checkpoint = try? JSONDecoder().decode(EngageCheckpoint.self, from: Data(bytes)),
      checkpoint.formatVersion == formatVersion
    else { return nil }
    return checkpoint
  }

  func write(lake: String) throws(LakeError) {
    try FileSystem.makeDirectories("\(lake)/engage")
    try FileSystem.writeAtomically(JSONText.encode(self), to: Self.path(lake: lake))
  }

  static func remove(lake: String) {
    try? FileSystem.remove(path(lake: lake))
  }
}
