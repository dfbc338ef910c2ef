import ArgumentParser
import CalendarDay
import CommandLineSupport
import Foundation
import MixpanelLake

struct ResetCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reset",
    abstract:
      "Remove a stream's partitions (all, or --from…--to) so that the next export fetches them again.",
    discussion: """
      Each partition goes through the commit protocol (an empty manifest first, so a reader sees \
      all of it or none). The stream's bookmark moves back first, so the next export starts \
      exactly at --from (without a range: at start_date). Full-table streams are reset whole. \
      Refused (exit 4) while another run holds the lake. Recorded in _runs/<run-id>-reset.json. \
      Exit codes: 0 done, 2 usage or config, 4 local I/O or the lake is busy.
      """)

  @Option(name: .long, help: "The JSON config file (lake, state, attribution_window).")
  var config: String

  @Option(name: .long, help: "The lake directory (overrides the config's 'lake').")
  var lake: String?

  @Option(
    name: .long, help: "The stream: export, engage, cohorts, cohort_members, annotations, funnels or revenue."
  )
  var stream: String

  @Option(name: .long, help: "First day to reset (YYYY-MM-DD); day streams only.")
  var from: String?

  @Option(name: .long, help: "Last day to reset (YYYY-MM-DD); day streams only, needs --from.")
  var to: String?

  @Flag(name: .long, help: "Only warnings and errors on stderr.")
  var quiet = false

  func run() async throws {
    let logger = CLILogging.logger(quiet: quiet)
    do {
      guard let name = StreamName(rawValue: stream) else {
        throw ConfigError.invalid(
          "--stream",
          "expected one of \(StreamName.allCases.map(\.rawValue).joined(separator: ", ")), got '\(stream)'")
      }
      if to != nil, from == nil { throw ConfigError.invalid("--to", "needs --from") }
      let loaded = try ConfigLoader.load(
        path: config, environment: ProcessInfo.processInfo.environment, overrides: ConfigOverrides(lake: lake)
      )
      let record = try LakeReset.run(
        config: loaded, stream: name, from: try VerifyCommand.day(from, "--from"),
        to: try VerifyCommand.day(to, "--to"), logger: logger)
      var line = "reset \(record.stream)"
      if let first = record.fromDate { line += " \(first)…\(record.toDate ?? "last")" }
      line += ": \(record.partitionsRemoved.count) partitions, \(record.rowsRemoved) rows removed"
      if name.fullTable == nil {
        line += "; bookmark \(record.bookmarkBefore ?? "none") → \(record.bookmarkAfter ?? "none")"
        line += "; the next export starts at \(record.nextFirstDay ?? "start_date")"
      }
      print(line)
    } catch let exit as ExitCode {
      throw exit
    } catch {
      throw ExitStatus.fail(error)
    }
  }
}
