import ArgumentParser
import CalendarDay
import CommandLineSupport
import Foundation
import MixpanelLake

struct VerifyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check the lake's files against their manifests, and its daily rows against Mixpanel's counts.",
    discussion: """
      Every listed part file must exist with the manifest's size, sha256, line count and \
      decompressed size; unlisted files in a partition are strays. Unless --skip-counts, each \
      export day's distinct rows are compared with Mixpanel's /api/query/events count: the lake \
      may exceed Mixpanel by max(5 rows, 0.1 %), never fall short; days within the attribution \
      window (+1 day) only warn. Exit codes: 0 all well, 1 a mismatch, 2 usage or config, \
      3 auth or permission, 4 local I/O.
      """)

  @Option(name: .long, help: "The JSON config file (credentials, lake, project_timezone).")
  var config: String

  @Option(name: .long, help: "The lake directory (overrides the config's 'lake').")
  var lake: String?

  @Option(name: .long, help: "First day to check (YYYY-MM-DD).")
  var from: String?

  @Option(name: .long, help: "Last day to check (YYYY-MM-DD).")
  var to: String?

  @Flag(name: .long, help: "Only check files and manifests; do not ask Mixpanel for counts.")
  var skipCounts = false

  @Flag(name: .long, help: "Only warnings and errors on stderr.")
  var quiet = false

  func run() async throws {
    let logger = CLILogging.logger(quiet: quiet)
    do {
      let projects = try ConfigLoader.loadAll(
        path: config, environment: ProcessInfo.processInfo.environment, overrides: ConfigOverrides(lake: lake)
      )
      let options = VerifyOptions(
        from: try Self.day(from, "--from"), to: try Self.day(to, "--to"), skipCounts: skipCounts)
      if let first = options.from, let last = options.to, last < first {
        throw ConfigError.invalid("--to", "must be on or after --from (\(first))")
      }
      // Each project of a `projects` config has its own lake folder and credentials; one
      // project's problem (a lake not exported yet, refused credentials) does not hide the others.
      var passed = true
      var firstError: (any Error)?
      for loaded in projects {
        if projects.count > 1 { print("project lake \(loaded.lake)") }
        do {
          let report = try await LakeVerifier(config: loaded, options: options, logger: logger).verify()
          print(VerifyText.render(report), terminator: "")
          passed = passed && report.passed
        } catch let error where projects.count > 1 && !(error is CancellationError) {
          firstError = firstError ?? error
          _ = ExitStatus.fail(error)
        }
      }
      if let firstError { throw ExitCode(ExitStatus.code(for: firstError)) }
      if !passed { throw ExitCode(ExitStatus.windowsFailed) }
    } catch let exit as ExitCode {
      throw exit
    } catch is CancellationError {
      throw ExitCode(130)
    } catch {
      throw ExitStatus.fail(error)
    }
  }

  static func day(_ text: String?, _ option: String) throws -> Day? {
    guard let text else { return nil }
    guard let day = Day(text) else {
      throw ConfigError.invalid(option, "expected a day such as 2024-06-01, got '\(text)'")
    }
    return day
  }
}

/// The terminal text of a ``VerifyReport``: one line per problem, then a summary line.
enum VerifyText {
  static func render(_ report: VerifyReport) -> String {
    var out = ""
    if !report.problems.isEmpty {
      let width = min(60, report.problems.map(\.location.count).max() ?? 0)
      out += pad("SEVERITY", 9) + pad("WHERE", width + 2) + "WHAT\n"
      for problem in report.problems {
        let what = "\(problem.kind.rawValue): \(problem.message)"
        out += pad(problem.severity.rawValue, 9) + pad(problem.location, width + 2) + oneLine(what) + "\n"
      }
    }
    var summary =
      "verify: \(report.partitions) partitions, \(report.files) files, \(report.rows) rows checked"
    if let days = report.countedDays {
      let mismatched = report.dayCounts.filter { $0.verdict.isMismatch }.count
      summary += "; Mixpanel counts compared for \(days) days (\(mismatched) differ)"
    } else {
      summary += "; Mixpanel counts not compared"
    }
    summary += "; \(report.errors.count) errors, \(report.warnings.count) warnings: "
    summary += report.passed ? "OK" : "FAILED"
    return out + summary + "\n"
  }

  private static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
  }

  private static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
