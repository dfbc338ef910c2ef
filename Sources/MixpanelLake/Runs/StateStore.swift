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

/// Advances a stream's bookmark over the gap-free prefix of committed windows only
/// (design.md §3, step 4): the greatest committed event time, never past the end of the last
/// committed window's last day.
public struct BookmarkTracker: Sendable {
  private var windows: [DayWindow]
  private var committed: [DayWindow: String?] = [:]
  private var prefix = 0
  public private(set) var bookmark: Int64?

  public init(windows: [DayWindow], bookmark: Int64?) {
    self.windows = windows
    self.bookmark = bookmark
  }

  /// Records a committed window (with its greatest event time, ISO text); returns true when the
  /// bookmark moved.
  public mutating func commit(_ window: DayWindow, maxTime: String?) -> Bool {
    committed[window] = .some(maxTime)
    var moved = false
    while prefix < windows.count, let entry = committed[windows[prefix]] {
      let window = windows[prefix]
      if let text = entry, let time = Timestamp.parse(text) {
        let capped = min(time, window.to.endEpochSeconds)
        if bookmark.map({ capped > $0 }) ?? true {
          bookmark = capped
          moved = true
        }
      }
      prefix += 1
    }
    return moved
  }

  /// Replaces a window that will not commit whole by its halves (it was split after failing).
  public mutating func split(_ window: DayWindow, into first: DayWindow, _ second: DayWindow) {
    guard let index = windows.firstIndex(of: window), index >= prefix else { return }
    windows.replaceSubrange(index...index, with: [first, second])
  }

  /// Windows committed in order from the first, with no gap.
  public var committedPrefixCount: Int { prefix }
}
