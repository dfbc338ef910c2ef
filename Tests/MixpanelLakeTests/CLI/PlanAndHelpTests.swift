import Foundation
import MixpanelFake
import Testing

@Suite("plan and --help")
struct PlanAndHelpTests {
  @Test("plan prints the windows, the request count, the least wall time, and changes nothing")
  func planOutput() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let start = today.advanced(by: -99)
    let end = today.advanced(by: -10)
    try
      #"{"api_secret": "x", "start_date": "\#(start)", "end_date": "\#(end)", "date_window_size": 30, "lake": "\#(dir.path)/lake"}"#
      .write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
    let result = try await CLIProcess.run(["plan", "--config", "\(dir.path)/c.json"])
    #expect(result.status == 0)
    let expected = """
      stream export: 3 windows of up to 30 days
        days \(start)..\(end) (today is \(today) in UTC)
        \(start)..\(start.advanced(by: 29))  30 days
        \(start.advanced(by: 30))..\(start.advanced(by: 59))  30 days
        \(start.advanced(by: 60))..\(end)  30 days
      requests: export 3 (limits: 60/hour, 3/second)
      least wall time the limits allow: 0 s
      partitions replaced: 90 (\(dir.path)/lake/export/day=…)

      """
    #expect(result.stdout == expected)
    #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/lake"))
  }

  @Test(
    "every command has help text that names its options",
    arguments: [
      ("export", ["--config", "--lake", "--streams", "--compression", "--state", "--quiet"]),
      ("plan", ["--config", "--lake", "--state"]),
      ("demo", ["--lake", "--events-per-day", "--days", "--seed", "--compression"]),
      (
        "fake-server",
        [
          "--port", "--events-per-day", "--seed", "--truth", "--now", "--late-arrivals", "--fault-5xx-rate",
          "--fault-429-rate", "--fault-cut-rate", "--fault-terminated-early-rate", "--fault-malformed-rate",
          "--fault-stall-rate", "--fault-dribble-rate", "--rate-limit", "--time-scale",
        ]
      ),
      ("verify", ["--config", "--lake", "--from", "--to", "--skip-counts"]),
      ("report", ["--lake", "--output"]),
      ("tap", ["--config", "--discover", "--catalog", "--properties", "--state"]),
      ("discover", ["--config"]),
    ])
  func help(command: String, options: [String]) async throws {
    let result = try await CLIProcess.run([command, "--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("USAGE: mixpanel-lake \(command)"))
    for option in options { #expect(result.stdout.contains(option), "\(command) --help names \(option)") }
  }

  @Test("the root help lists the commands and the exit codes")
  func rootHelp() async throws {
    let result = try await CLIProcess.run(["--help"])
    for command in ["export", "plan", "demo", "fake-server", "verify", "report", "tap", "discover"] {
      #expect(result.stdout.contains(command))
    }
    #expect(result.stdout.contains("Exit codes: 0 done, 1 some windows failed, 2 usage or config"))
  }
}
