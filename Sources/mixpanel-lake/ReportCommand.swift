import ArgumentParser
import CommandLineSupport
import Foundation
import Lake
import MixpanelLake

struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "Write a self-contained HTML page: rows per day per stream, gaps, days the latest run replaced.",
    discussion: """
      Reads only manifests and run records, unless --counts: then it also asks Mixpanel's daily \
      event counts for the export days (the counts verify uses, a few Query API requests; needs \
      --config for the credentials) and draws them beside the lake's rows, marking the days that \
      differ beyond verify's tolerance. Exit codes: 0 written, 2 usage, 3 auth, 4 local I/O.
      """)

  @Option(name: .long, help: "The lake directory (default: the config's 'lake', else ./lake).")
  var lake: String?

  @Option(name: .long, help: "Where to write the page (default: <lake>/_report.html).")
  var output: String?

  @Option(name: .long, help: "The JSON config file (credentials for --counts, and the lake).")
  var config: String?

  @Flag(name: .long, help: "Draw Mixpanel's daily counts beside the export's rows (needs --config).")
  var counts = false

  func validate() throws {
    if counts, config == nil { throw ValidationError("--counts needs --config, for the credentials") }
  }

  func run() async throws {
    do {
      let loaded = try config.map {
        try ConfigLoader.load(
          path: $0, environment: ProcessInfo.processInfo.environment, overrides: ConfigOverrides(lake: lake))
      }
      let directory = self.lake ?? loaded?.lake ?? "./lake"
      guard FileManager.default.fileExists(atPath: directory) else {
        throw ConfigError.invalid("--lake", "no lake directory at \(directory)")
      }
      var report = try LakeReport.build(lake: directory)
      if counts, let loaded,
        let export = report.streams.first(where: { $0.stream == StreamName.export.name }),
        let first = export.days.first?.day, let last = export.days.last?.day
      {
        let logger = CLILogging.logger(quiet: true)
        let (perDay, requests) = try await VolumeEstimate.dailyCounts(
          config: loaded, from: first, to: last, logger: logger)
        report.addCounts(perDay, stream: StreamName.export.name)
        let differing = report.streams.first { $0.stream == StreamName.export.name }?.differing.count ?? 0
        print(
          "report: Mixpanel's counts of \(first)..\(last) (\(requests) Query requests): \(differing) days differ"
        )
      }
      let html = ReportHTML.render(
        report, generatedAt: Timestamp.iso8601(Int64(Date().timeIntervalSince1970)))
      let path = output ?? "\(directory)/_report.html"
      try FileSystem.writeAtomically(Array(html.utf8), to: path)
      let days = report.streams.reduce(0) { $0 + $1.days.count }
      let gaps = report.streams.reduce(0) { $0 + $1.gaps.count }
      print("report: wrote \(path) (\(report.streams.count) streams, \(days) days, \(gaps) gaps)")
    } catch let exit as ExitCode {
      throw exit
    } catch {
      throw ExitStatus.fail(error)
    }
  }
}
