public import Foundation
import Lake
public import Logging
import MixpanelAPI

/// What `mixpanel-lake tap` and `tap-mixpanel-lake` do once their flags are parsed: discover, or
/// sync to stdout. Messages go to stdout only; logs and the one-line `error:` go to stderr.
///
/// Exit codes: 0 done, 1 the sync failed, 2 usage, config, catalog or state, 3 auth or permission,
/// 4 local I/O.
public enum SingerCommandLine {
  public static func run(
    configPath: String, catalogPath: String?, statePath: String?, discover: Bool, logger: Logger,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) async -> Int32 {
    do {
      let config = try loadConfig(configPath, environment: environment, logger: logger)
      let output = SingerOutput()
      if discover {
        try output.schema(try await SingerDiscovery.catalog(config: config, logger: logger))
        try output.flush()
        return 0
      }
      let catalog =
        try catalogPath.map { try SingerCatalog.parse(read($0, what: "catalog")) }
        ?? SingerCatalog.defaults(streams: config.streams)
      let state = try statePath.map { try SingerState.parse(read($0, what: "state")) } ?? SingerState()
      if catalog.selections.isEmpty { logger.warning("tap.nothing_selected") }
      _ = try await SingerTap(config: config, catalog: catalog, logger: logger).sync(state: state, to: output)
      return 0
    } catch {
      return fail(error)
    }
  }

  static func loadConfig(_ path: String, environment: [String: String], logger: Logger) throws -> LakeConfig {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError.file("cannot read config file \(path): check the path given to --config")
    }
    let object: [String: JSONValue]
    do {
      object = try JSONDecoder().decode([String: JSONValue].self, from: data)
    } catch {
      throw ConfigError.file("config file \(path) is not a JSON object: \(ConfigLoader.shortReason(error))")
    }
    for key in ConfigLoader.ignoredKeys.sorted() where object[key] != nil {
      logger.info("config.key_ignored", metadata: ["key": "\(key)"])
    }
    return try ConfigLoader.parse(object, environment: environment)
  }

  static func read(_ path: String, what: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SingerError(message: "cannot read the \(what) file \(path)")
    }
    return Array(data)
  }

  static func fail(_ error: any Error) -> Int32 {
    let line = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    switch error {
    case is ConfigError, is SingerError: return 2
    case let error as MixpanelAPIError: return error.isAuthProblem ? 3 : 1
    case is LakeError: return 4
    case is CancellationError: return 130
    default: return 1
    }
  }
}
