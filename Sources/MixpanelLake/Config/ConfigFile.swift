import Foundation
public import MixpanelAPI

/// Reading a config file into its top-level keys. The file is parsed with the project's one
/// JSON tree (``JSONNode``), which keeps `true`, `1` and `"1"` apart and sees a key given twice,
/// something a dictionary decoder silently resolves (first or last wins, by decoder).
public enum ConfigFile {
  /// The keys of the JSON object in `path`; throws a one-line ``ConfigError`` for an unreadable
  /// file, text that is not JSON (or not UTF-8), a top level that is not an object, or a key
  /// given twice.
  public static func read(_ path: String) throws -> [String: JSONNode] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError.file("cannot read config file \(path): check the path given to --config")
    }
    return try parse(Array(data), source: "config file \(path)")
  }

  /// The keys of the JSON object in `bytes`; `source` names it in errors.
  public static func parse(_ bytes: [UInt8], source: String) throws -> [String: JSONNode] {
    let node: JSONNode
    do {
      node = try JSONNode(parsing: bytes)
    } catch {
      throw ConfigError.file("\(source) is not valid JSON: \(error)")
    }
    guard case .object(let members) = node else {
      throw ConfigError.file("\(source) is not a JSON object: write its keys inside { … }")
    }
    return try keys(members, in: source)
  }

  /// `members` as a dictionary; a key given twice is an error naming it (`place` says where).
  static func keys(_ members: [(key: String, value: JSONNode)], in place: String) throws -> [String: JSONNode]
  {
    var object: [String: JSONNode] = [:]
    for (key, value) in members where object.updateValue(value, forKey: key) != nil {
      throw ConfigError.invalid(key, "given twice in \(place): keep one")
    }
    return object
  }
}
