import ArgumentParser
import CommandLineSupport

/// `mixpanel-lake discover`: prints the Singer catalog of every stream (as `tap --discover`).
struct DiscoverCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "discover",
    abstract: "Print a Singer catalog of the streams, their columns and replication metadata.",
    discussion: "Edit 'selected' in it and pass it to 'tap --catalog' to choose streams and columns.")

  @Option(name: [.short, .long], help: "The config file (its 'streams' are marked selected).")
  var config: String

  func run() async throws {
    try await SingerTapCommand.run(configPath: config, catalogPath: nil, statePath: nil, discover: true)
  }
}
