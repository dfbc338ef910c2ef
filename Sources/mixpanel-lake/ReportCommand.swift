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
    discussion: "Reads only manifests and run records. Exit codes: 0 written, 2 usage, 4 local I/O.")

  @Option(name: .long, help: "The lake directory (default: ./lake).")
  var lake: String = "./lake"

  @Option(name: .long, help: "Where to write the page (default: <lake>/_report.html).")
  var output: String?

  func run() async throws {
    do {
      guard FileManager.default.fileExists(atPath: lake) else {
        throw ConfigError.invalid("--lake", "no lake directory at \(lake)")
      }
      let report = try LakeReport.build(lake: lake)
      let html = ReportHTML.render(
        report, generatedAt: Timestamp.iso8601(Int64(Date().timeIntervalSince1970)))
      let path = output ?? "\(lake)/_report.html"
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
