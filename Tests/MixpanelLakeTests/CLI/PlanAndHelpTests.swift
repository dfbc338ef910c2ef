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

  @Test("plan: a start two years back is moved to 365 days with the reason; history_days 0 keeps it")
  func historyDaysInPlan() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let start = today.advanced(by: -730)
    for (history, first) in [("", today.advanced(by: -365)), (#", "history_days": 0"#, start)] {
      try
        #"{"api_secret": "x", "start_date": "\#(start)", "date_window_size": 30, "lake": "\#(dir.path)/lake"\#(history)}"#
        .write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
      let result = try await CLIProcess.run(["plan", "--config", "\(dir.path)/c.json"])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout.contains("days \(first)..\(today)"), "\(result.stdout)")
      #expect(result.stdout.contains("moved forward to history_days (365)") == history.isEmpty)
    }
  }

  @Test("plan covers the Query streams, and each project of a projects config")
  func planQueryStreamsAndProjects() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let start = today.advanced(by: -13)
    try #"""
    {"api_secret": "x", "start_date": "\#(start)", "date_window_size": 7, "lake": "\#(dir.path)/lake",
     "project_timezone": "UTC", "streams": ["export", "funnels", "revenue", "engage", "cohorts"],
     "engage_page_size": 500,
     "projects": [{"project_id": 1}, {"project_id": 2, "streams": ["revenue"]}]}
    """#.write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
    let result = try await CLIProcess.run(["plan", "--config", "\(dir.path)/c.json"])
    #expect(result.status == 0, "\(result.stderr)")
    let projects = result.stdout.components(separatedBy: "project lake ").dropFirst()
    try #require(projects.count == 2, "\(result.stdout)")
    let first = projects.first!
    let second = projects.last!
    #expect(first.hasPrefix("\(dir.path)/lake/project_id=1\n"))
    for line in [
      "stream export: 2 windows of up to 7 days", "requests: export 2 (limits: 60/hour, 3/second)",
      "stream funnels: 2 windows of up to 7 days", "  days \(start)..\(today) (today is \(today) in UTC)",
      "  requests: 1 (funnels/list) + one per saved funnel per window",
      "stream revenue: 2 windows of up to 7 days",
      "stream engage: full table, one request per page of 500 profiles",
      "stream cohorts: full table, 1 request",
      "requests: Query API at least 5 (limits: 60/hour, 5 concurrent)",
    ] {
      #expect(first.contains(line + "\n"), "\(line)")
    }
    #expect(second.hasPrefix("\(dir.path)/lake/project_id=2\n"))
    #expect(!second.contains("stream export") && second.contains("stream revenue: 2 windows"))
    #expect(second.contains("requests: Query API at least 2 "))
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

  @Test(
    "usage errors exit 2, the documented code, in both executables, with the usage on stderr",
    arguments: [
      ["export", "--config"], ["export", "--no-such-flag"],
      ["export", "--config", "c.json", "--progress-interval", "0"],
      ["export", "--config", "c.json", "--progress-interval", "-5"], ["plan"], ["frobnicate"],
    ])
  func usageExitsTwo(arguments: [String]) async throws {
    let result = try await CLIProcess.run(arguments)
    #expect(result.status == 2, "\(arguments): \(result.stderr)")
    #expect(result.stderr.lowercased().contains("usage: mixpanel-lake"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test("tap-mixpanel-lake: a missing -c or an unknown flag exits 2; --help exits 0")
  func tapUsageExitsTwo() async throws {
    for arguments in [[], ["-c"], ["-c", "c.json", "--frobnicate"]] {
      let result = try await CLIProcess.run(arguments, executable: "tap-mixpanel-lake")
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
      #expect(result.stderr.lowercased().contains("usage: tap-mixpanel-lake"))
    }
    let help = try await CLIProcess.run(["--help"], executable: "tap-mixpanel-lake")
    #expect(help.status == 0 && help.stdout.contains("USAGE: tap-mixpanel-lake"))
  }
}
