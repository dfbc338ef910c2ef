/// A configuration problem: one line naming the key and what a good value looks like.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
  public let key: String?
  public let message: String

  public var description: String { message }

  public static func invalid(_ key: String, _ expectation: String) -> ConfigError {
    ConfigError(key: key, message: "config key '\(key)': \(expectation)")
  }

  public static func unknownKey(_ key: String, suggestion: String?) -> ConfigError {
    let hint = suggestion.map { "; did you mean '\($0)'?" } ?? "; see config/example.json for every key"
    return ConfigError(key: key, message: "config key '\(key)' is not known\(hint)")
  }

  public static func missing(_ key: String, _ hint: String) -> ConfigError {
    ConfigError(key: key, message: "config key '\(key)' is required: \(hint)")
  }

  public static func file(_ message: String) -> ConfigError {
    ConfigError(key: nil, message: message)
  }
}
