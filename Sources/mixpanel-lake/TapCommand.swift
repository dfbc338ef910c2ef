import ArgumentParser
import CommandLineSupport

/// `mixpanel-lake tap`: the Singer tap mode (the same as the `tap-mixpanel-lake` executable).
struct TapCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tap",
    abstract: "Run as a Singer tap: Singer messages on stdout, tap-mixpanel's config and state.",
    discussion: """
      Without --catalog, syncs the config's 'streams' (default: export) with every column. \
      Exit codes: 0 done, 1 the sync failed, 2 usage, config, catalog or state, 3 auth, 4 local I/O.
      """)

  @Option(name: [.short, .long], help: "tap-mixpanel's config file.")
  var config: String

  @Flag(name: [.short, .long], help: "Print the catalog and exit.")
  var discover = false

  @Option(name: .long, help: "The catalog: which streams and columns to sync.")
  var catalog: String?

  @Option(name: [.short, .long], help: "The catalog (legacy name for --catalog).")
  var properties: String?

  @Option(name: [.short, .long], help: "The state file to continue from.")
  var state: String?

  func run() async throws {
    try await SingerTapCommand.run(
      configPath: config, catalogPath: catalog ?? properties, statePath: state, discover: discover)
  }
}
