import ArgumentParser
import CommandLineSupport

@main
struct MixpanelLakeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mixpanel-lake",
    abstract: "Copy a Mixpanel project into a date-partitioned, compressed JSONL data lake.",
    discussion: """
      Exit codes: 0 done, 1 some windows failed, 2 usage or config, 3 auth or permission, \
      4 local I/O (disk full, unwritable lake, corrupt state).
      """,
    subcommands: [
      ExportCommand.self, PlanCommand.self, DemoCommand.self, FakeServerCommand.self, VerifyCommand.self,
      ReportCommand.self, TapCommand.self, DiscoverCommand.self, ResetCommand.self, SchemaCommand.self,
    ])

  static func main() async { await mainWithDocumentedExitCodes() }
}
