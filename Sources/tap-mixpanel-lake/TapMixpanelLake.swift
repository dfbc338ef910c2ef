import ArgumentParser

/// tap-mixpanel's command line, run by mixpanel-lake's Singer mode (work in progress).
@main
struct TapMixpanelLake: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tap-mixpanel-lake",
    abstract: "A Singer tap for Mixpanel with tap-mixpanel's flags, built on mixpanel-lake.")

  func run() async throws {
    throw ValidationError("Singer mode is not built yet")
  }
}
