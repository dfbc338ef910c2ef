import Foundation
import Lake

/// `_state.json`: Singer-shaped bookmarks, `{"bookmarks": {"export": "2024-06-30T23:59:59Z"}}`,
/// written atomically. A file that does not parse is an error, never a silent reset.
public struct LakeState: Codable, Equatable, Sendable {
  public var bookmarks: [String: String]
  public var currentlySyncing: String?

  public init(bookmarks: [String: String] = [:], currentlySyncing: String? = nil) {
    self.bookmarks = bookmarks
    self.currentlySyncing = currentlySyncing
  }

  enum CodingKeys: String, CodingKey {
    case bookmarks
    case currentlySyncing = "currently_syncing"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    bookmarks = try container.decodeIfPresent([String: String].self, forKey: .bookmarks) ?? [:]
    currentlySyncing = try container.decodeIfPresent(String.self, forKey: .currentlySyncing)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(bookmarks, forKey: .bookmarks)
    try container.encode(currentlySyncing, forKey: .currentlySyncing)
  }
}

public enum StateStore {
  public static func read(_ path: String) throws -> LakeState {
    guard FileSystem.exists(path) else { return LakeState() }
    let bytes = try FileSystem.read(path)
    guard let state = try? JSONDecoder().decode(LakeState.self, from: Data(bytes)) else {
      throw LakeError.corrupt(
        path, "not a JSON object with string bookmarks",
        fix: "repair it, or delete it to start again from start_date")
    }
    for (stream, bookmark) in state.bookmarks where Timestamp.parse(bookmark) == nil {
      throw LakeError.corrupt(
        path, "bookmark of '\(stream)' is not an ISO-8601 time",
        fix: "repair it, or delete it to start again from start_date")
    }
    return state
  }

  public static func write(_ state: LakeState, to path: String) throws {
    let (directory, _) = FileSystem.split(path)
    try FileSystem.makeDirectories(directory)
    try FileSystem.writeAtomically(JSONText.encode(state), to: path)
  }
}
