import ArgumentParser
import CalendarDay
import CommandLineSupport
import Foundation
import Lake
import Logging
import MixpanelFake
import MixpanelLake

struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Backfill a year of events from the built-in fake Mixpanel into ./lake, then query it.",
    discussion: """
      Starts the fake Mixpanel server on a free loopback port, exports a year of its events \
      into the lake, checks the rows per day against the fake's truth, prints the run summary \
      and runs a DuckDB query over the lake when the duckdb Python package is installed.
      """)

  @Option(name: .long, help: "The lake directory.")
  var lake = "./lake"

  @Option(name: .long, help: "Events per day the fake serves (varies ±20% by day).")
  var eventsPerDay = 300

  @Option(name: .long, help: "Days to backfill, ending today (at most 366).")
  var days = 365

  @Option(name: .long, help: "Seed of the fake's data.")
  var seed: UInt64 = 42

  @Option(name: .long, help: "zstd or gzip.")
  var compression = "zstd"

  @Flag(name: .long, help: "Only warnings and errors on stderr.")
  var quiet = false

  func validate() throws {
    guard (1...366).contains(days) else { throw ValidationError("--days must be from 1 to 366") }
    guard eventsPerDay >= 0 else { throw ValidationError("--events-per-day must be 0 or more") }
  }

  func run() async throws {
    let logger = CLILogging.logger(quiet: quiet)
    let today = FakeDay.todayUTC()
    let project = FakeProject(seed: seed, eventsPerDay: eventsPerDay, today: today)
    let first = today.advanced(by: -(days - 1))
    do {
      let summary = try await withFakeMixpanelServer(project, logger: logger) { server in
        let config = try ConfigLoader.parse(
          [
            "api_secret": .string(project.apiSecret), "start_date": .string("\(first)"),
            "export_api_url": .string(server.baseURL), "query_api_url": .string(server.baseURL),
            "lake": .string(lake), "compression": .string(compression),
          ])
        return try await LakeExport(config: config, logger: logger).run()
      }
      guard let export = summary.export else { throw ExitCode(1) }
      print(SummaryText.render(export, lake: lake))
      // The lake, not this run: a second demo only fetches the days the bookmark left open.
      let truth = project.truth(from: first, to: today)
      var mismatches = 0
      let layout = LakeLayout(root: lake)
      for day in truth.days {
        let folder = layout.path(
          LakeLayout.dayPartition(stream: StreamName.export.name, day: Day("\(day.day)")!))
        if try ManifestStore.read(directory: folder)?.rows != day.count { mismatches += 1 }
      }
      print(
        mismatches == 0
          ? "rows per day in the lake equal the fake's truth: \(truth.total) events over \(truth.days.count) days"
          : "MISMATCH with the fake's truth on \(mismatches) days")
      guard mismatches == 0, summary.failures.isEmpty else { throw ExitCode(1) }
      DuckDBQuery.printAndRun(lake: lake, compression: compression)
    } catch let exit as ExitCode {
      throw exit
    } catch {
      throw ExitStatus.fail(error)
    }
  }
}

/// The query the README shows, and running it through the duckdb Python package when present.
enum DuckDBQuery {
  static func sql(lake: String, compression: String) -> String {
    let ext = compression == "gzip" ? "jsonl.gz" : "jsonl.zst"
    return """
      SELECT day, count(*) AS events, count(DISTINCT properties."$insert_id") AS unique_ids
      FROM read_json('\(lake)/export/*/*.\(ext)', hive_partitioning = true, format = 'newline_delimited')
      GROUP BY day ORDER BY day DESC LIMIT 5
      """
  }

  static func printAndRun(lake: String, compression: String) {
    let query = sql(lake: lake, compression: compression)
    print("\nDuckDB query over the lake:\n\(query)\n")
    let script = "import duckdb,sys; duckdb.sql(sys.argv[1]).show()"
    fflush(nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, query]
    do {
      try process.run()
      process.waitUntilExit()
      if process.terminationStatus != 0 {
        print("(install the duckdb Python package to run it here: pip install duckdb)")
      }
    } catch {
      print("(python3 not found; run the query in any DuckDB)")
    }
  }
}
