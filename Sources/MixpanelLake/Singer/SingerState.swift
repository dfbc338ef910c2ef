import Lake
public import MixpanelAPI

/// The tap's state, in tap-mixpanel's shape: `{"bookmarks": {"export": "2024-06-30T23:59:59Z"},
/// "currently_syncing": null}`. Bookmarks of streams this tap does not sync (funnels, revenue)
/// are carried through unchanged.
public struct SingerState: Sendable, Equatable {
  public var bookmarks: [(key: String, value: JSONNode)]
  public var currentlySyncing: String?

  public init(bookmarks: [(key: String, value: JSONNode)] = [], currentlySyncing: String? = nil) {
    self.bookmarks = bookmarks
    self.currentlySyncing = currentlySyncing
  }

  public static func == (lhs: SingerState, rhs: SingerState) -> Bool {
    lhs.message == rhs.message
  }

  /// Reads a state file's JSON. An empty file or `{}` is a first run; Meltano's
  /// `{"singer_state": {...}}` wrapper is accepted.
  public static func parse(_ bytes: [UInt8]) throws -> SingerState {
    guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
      return SingerState()
    }
    var root: JSONNode
    do {
      root = try JSONNode(parsing: bytes)
    } catch {
      throw SingerError.state("the state file is not JSON: \(error)")
    }
    if let inner = root["singer_state"] { root = inner }
    guard root.objectValue != nil else { throw SingerError.state("the state is not a JSON object") }
    var state = SingerState(bookmarks: root["bookmarks"]?.objectValue ?? [])
    state.currentlySyncing = root["currently_syncing"]?.stringValue
    if let export = state.bookmark(StreamName.export.name), Timestamp.parse(export) == nil {
      throw SingerError.state(
        "the state's export bookmark '\(export)' is not an ISO-8601 time; repair it or remove it")
    }
    return state
  }

  /// A stream's bookmark, when it is text.
  public func bookmark(_ stream: String) -> String? {
    bookmarks.first { $0.key == stream }?.value.stringValue
  }

  public mutating func setBookmark(_ stream: String, _ value: String) {
    if let index = bookmarks.firstIndex(where: { $0.key == stream }) {
      bookmarks[index].value = .string(value)
    } else {
      bookmarks.append((stream, .string(value)))
    }
  }

  /// The state as JSON.
  public var value: JSONNode {
    .object([
      ("bookmarks", .object(bookmarks)), ("currently_syncing", currentlySyncing.map { .string($0) } ?? .null),
    ])
  }

  /// The STATE message, with its newline.
  var message: [UInt8] {
    JSONNode.object([("type", .string("STATE")), ("value", value)]).bytes + [0x0A]
  }
}
