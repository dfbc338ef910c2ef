import Foundation
import MixpanelFake
import Testing

@Suite("Meltano runs tap-mixpanel-lake")
struct MeltanoTests {
  /// `$MELTANO`, the virtualenv `.ci/setup` makes, or `meltano` on the PATH.
  static var meltano: String? {
    SingerTargetTests.installed("meltano", variable: "MELTANO", venv: "meltano-venv")
  }

  @Test(
    "meltano run tap-mixpanel-lake target-jsonl twice: all rows, then only the attribution window from Meltano's state"
  )
  func meltanoRunTwice() async throws {
    let meltano = try #require(Self.meltano, "meltano is not installed: run .ci/setup")
    let target = try #require(SingerTargetTests.targetJSONL, "target-jsonl is not installed: run .ci/setup")
    let dir = TemporaryDirectory()
    let today = FakeDay.todayUTC()
    let first = today.advanced(by: -4)
    let project = FakeProject(seed: 68, eventsPerDay: 200, today: today)
    let (runs, lines) = try await withFakeMixpanelServer(project, logger: Fixture.logger) { server in
      try """
      version: 1
      default_environment: test
      environments:
      - name: test
      send_anonymous_usage_stats: false
      plugins:
        extractors:
        - name: tap-mixpanel-lake
          namespace: tap_mixpanel
          executable: \(SingerTargetTests.tapBinary)
          capabilities: [catalog, discover, state]
          settings:
          - name: api_secret
            kind: password
            sensitive: true
          - name: start_date
          - name: export_api_url
          - name: query_api_url
          - name: date_window_size
            kind: integer
          - name: attribution_window
            kind: integer
          config:
            start_date: "\(first)"
            export_api_url: \(server.baseURL)
            query_api_url: \(server.baseURL)
            date_window_size: 2
            attribution_window: 1
          select:
          - export.*
        loaders:
        - name: target-jsonl
          namespace: target_jsonl
          executable: \(target)
          config:
            destination_path: \(dir.path)/out
            do_timestamp_file: false
      """.write(toFile: "\(dir.path)/meltano.yml", atomically: true, encoding: .utf8)
      try FileManager.default.createDirectory(atPath: "\(dir.path)/out", withIntermediateDirectories: true)
      let command =
        "cd \(SingerTargetTests.quote(dir.path)) && MELTANO_SEND_ANONYMOUS_USAGE_STATS=false"
        + " TAP_MIXPANEL_LAKE_API_SECRET=\(server.project.apiSecret) \(SingerTargetTests.quote(meltano))"
        + " run tap-mixpanel-lake target-jsonl"
      let firstRun = try await SingerTargetTests.shell(command)
      let afterFirst = try SingerTargetTests.rows("\(dir.path)/out", "export").count
      let secondRun = try await SingerTargetTests.shell(command)
      let afterSecond = try SingerTargetTests.rows("\(dir.path)/out", "export").count
      return ([firstRun, secondRun], [afterFirst, afterSecond])
    }
    for run in runs { #expect(run.status == 0, "\(run.stderr.suffix(2_000))") }
    #expect(lines[0] == project.truth(from: first, to: today).total)
    // target-jsonl appends: the second run adds the day before the bookmark and today again.
    #expect(lines[1] - lines[0] == project.truth(from: today.advanced(by: -1), to: today).total)
  }
}
