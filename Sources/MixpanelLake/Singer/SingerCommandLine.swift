public import Foundation
import Lake
public import Logging
import MixpanelAPI

/// What `mixpanel-lake tap` and `tap-mixpanel-lake` do once their flags are parsed: discover, or
/// sync to stdout. Messages go to stdout only; logs go to `logger`. Errors are thrown for the
/// executables to print and map to exit codes.
public enum SingerCommandLine {
  public static func run(
    configPath: String, catalogPath: String?, statePath: String?, discover: Bool, logger: Logger,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) async throws {
    let config = try loadConfig(configPath, environment: environment)
    let output = SingerOutput()
    if discover {
      try output.schema(try await SingerDiscovery.catalog(config: config, logger: logger))
      try output.flush()
      return
    }
    let catalog =
      try catalogPath.map { try SingerCatalog.parse(read($0, what: "catalog")) }
      ?? SingerCatalog.defaults(streams: config.streams)
    let state = try statePath.map { try SingerState.parse(read($0, what: "state")) } ?? SingerState()
    if catalog.selections.isEmpty { logger.warning("tap.nothing_selected") }
    _ = try await SingerTap(config: config, catalog: catalog, logger: logger).sync(state: state, to: output)
  }

  static func loadConfig(_ path: String, environment: [String: String]) throws -> LakeConfig {
    try ConfigLoader.parse(ConfigFile.read(path), environment: environment)
  }

  static func read(_ path: String, what: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SingerError(message: "cannot read the \(what) file \(path)")
    }
    return Array(data)
  }
}
