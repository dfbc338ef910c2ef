import Foundation
import MixpanelFake
import Testing

@Suite("progress lines and JSON logs")
struct ProgressAndLogTests {
  @Test(
    "off a terminal: progress lines every interval; --log-format json writes one JSON object per log line")
  func progressAndJSON() async throws {
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let project = FakeProject(seed: 61, eventsPerDay: 1_000, today: today)
    let slow = FakeServerConfiguration(bandwidthBytesPerSecondPerConnection: 1_000_000)
    let result = try await withFakeMixpanelServer(project, configuration: slow, logger: Fixture.logger) {
      server in
      let config =
        #"{"api_secret": "\#(project.apiSecret)", "start_date": "\#(today.advanced(by: -5))", "export_api_url": "\#(server.baseURL)", "lake": "\#(dir.path)/lake", "date_window_size": 1, "max_concurrent_windows": 2}"#
      try config.write(toFile: "\(dir.path)/c.json", atomically: true, encoding: .utf8)
      return try await CLIProcess.run(
        ["export", "--config", "\(dir.path)/c.json", "--log-format", "json", "--progress-interval", "0.2"])
    }
    #expect(result.status == 0)
    let lines = CLIProcess.lines(result.stderr)
    let progress = lines.filter { $0.hasPrefix("windows ") }
    #expect(!progress.isEmpty, "progress lines: \(lines)")
    #expect(progress.allSatisfy { $0.contains("/6") && $0.contains("events/s") })
    let logs = lines.filter { !$0.hasPrefix("windows ") }
    #expect(logs.contains { $0.contains("window.committed") })
    for line in logs {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object?["level"] != nil && object?["message"] != nil, "\(line)")
    }
    #expect(result.stdout.contains("succeeded"))
  }
}
