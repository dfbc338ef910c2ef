import ArgumentParser
import CommandLineSupport

/// tap-mixpanel's command line, so Meltano or Stitch can run this tap by name:
/// `tap-mixpanel-lake -c config.json [-s state.json] [-p|--catalog catalog.json] [-d]`.
@main
struct TapMixpanelLake: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tap-mixpanel-lake",
    abstract: "A Singer tap for Mixpanel with tap-mixpanel's flags, built on mixpanel-lake.",
    discussion: """
      Writes Singer messages (SCHEMA, RECORD, STATE) to stdout and logs to stderr. Exit codes: 0 done, \
      1 the sync failed, 2 usage, config, catalog or state, 3 auth or permission, 4 local I/O.
      """)

  @Option(name: [.short, .long], help: "tap-mixpanel's config file.")
  var config: String

  @Option(name: [.short, .long], help: "The state file to continue from.")
  var state: String?

  @Option(name: [.short, .long], help: "The catalog (legacy name for --catalog).")
  var properties: String?

  @Option(name: .long, help: "The catalog: which streams and columns to sync.")
  var catalog: String?

  @Flag(name: [.short, .long], help: "Print the catalog and exit.")
  var discover = false

  static func main() async { await mainWithDocumentedExitCodes() }

  func run() async throws {
    try await SingerTapCommand.run(
      configPath: config, catalogPath: catalog ?? properties, statePath: state, discover: discover)
  }
}
