import ArgumentParser
import CommandLineSupport
import Foundation
import Logging
import MixpanelLake

struct PlanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Show what an export would fetch and replace, and the least time Mixpanel's limits allow.",
    discussion: """
      Reads the config and the lake's state and changes nothing. Sends no request, unless \
      --volume: then it asks Mixpanel's daily event counts for the export days (the counts \
      verify uses: a few Query API requests) and prints the expected events and bytes per \
      window and an estimated wall time at --bandwidth per connection.
      """)

  @Option(name: .long, help: "The JSON config file.")
  var config: String

  @Option(name: .long, help: "The lake directory (overrides the config's 'lake').")
  var lake: String?

  @Option(name: .long, help: "The state file (default: <lake>/_state.json).")
  var state: String?

  @Flag(name: .long, help: "Ask Mixpanel's daily counts and estimate events, bytes and wall time.")
  var volume = false

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Bandwidth of one export connection, in MB/s, for --volume's windows and wall time "
        + "(default: the config's export_connection_mb_per_second, else 2)."))
  var bandwidth: Double?

  func validate() throws {
    if let bandwidth, !(bandwidth > 0 && bandwidth.isFinite) {
      throw ValidationError("--bandwidth must be a positive number of MB/s")
    }
  }

  func run() async throws {
    do {
      let projects = try ConfigLoader.loadAll(
        path: config, environment: ProcessInfo.processInfo.environment,
        overrides: ConfigOverrides(lake: lake, statePath: state))
      var logger = Logger(label: "mixpanel-lake") { StreamLogHandler.standardError(label: $0) }
      logger.logLevel = .error
      for (index, var loaded) in projects.enumerated() {
        if let bandwidth { loaded.connectionBandwidth = bandwidth * 1_000_000 }
        if projects.count > 1 { print((index > 0 ? "\n" : "") + "project lake \(loaded.lake)") }
        var sections: [String] = []
        if loaded.streams.contains(.export) {
          var plan = try ExportRun(config: loaded, logger: logger).plan()
          var estimate: VolumeEstimate?
          var unavailable: String?
          if volume {
            do {
              estimate = try await VolumeEstimate.fetch(config: loaded, plan: plan, logger: logger)
            } catch let error as VolumeEstimate.Unavailable {
              unavailable = error.reason
            }
            if loaded.windowsByVolume, let estimate {
              plan = estimate.windows(plan, config: loaded)
            }
          }
          var text = PlanText.render(plan, config: loaded, sized: volume)
          if let estimate {
            text += "\n" + PlanText.renderVolume(estimate, plan: plan, config: loaded)
          }
          if let unavailable { text += "\nexpected: unknown (\(unavailable))" }
          sections.append(text)
        }
        let run = QueryStreamsRun(config: loaded, logger: logger)
        let daily = try DailyStream.selected(loaded.streams).map { ($0, try run.plan($0)) }
        let tables = FullTableStream.selected(loaded.streams)
        if !daily.isEmpty || !tables.isEmpty {
          sections.append(PlanText.renderQuery(daily: daily, tables: tables, config: loaded))
        }
        print(sections.joined(separator: "\n"))
      }
    } catch {
      throw ExitStatus.fail(error)
    }
  }
}

/// The text of `mixpanel-lake plan`.
enum PlanText {
  static func render(_ plan: WindowPlan, config: LakeConfig, sized: Bool = false) -> String {
    var lines = ["stream export: \(plan.windows.count) windows of up to \(config.dateWindowSize) days"]
    if config.windowsByVolume {
      lines[0] =
        sized
        ? "stream export: \(plan.windows.count) windows sized by Mixpanel's daily counts "
          + "(at most \(config.maxEventsPerWindow) events each where days allow)"
        : "stream export: windows sized by Mixpanel's daily counts when the run starts "
          + "(plan --volume shows them; shown: \(config.dateWindowSize)-day windows, the fallback)"
    }
    if let first = plan.firstDay, let last = plan.lastDay {
      lines.append("  days \(first)..\(last) (today is \(plan.today) in \(config.exportDayZone))")
    } else {
      lines.append("  nothing to fetch (start_date is after today or end_date)")
    }
    if let clamped = plan.clampedStartDate {
      lines.append(
        "  start_date \(clamped) moved forward to history_days (\(config.historyDays)) before today; 0 lifts it"
      )
    }
    for window in plan.windows.prefix(12) {
      lines.append("  \(window.from)..\(window.to)  \(window.dayCount) days")
    }
    if plan.windows.count > 12 { lines.append("  … \(plan.windows.count - 12) more") }
    let seconds = RequestBudget.minimumSeconds(requests: plan.windows.count, policy: config.exportRateLimit)
    let limit = config.exportRateLimit
    lines.append(
      "requests: export \(plan.windows.count) (limits: \(limit.requestsPerHour.map(String.init) ?? "∞")/hour, "
        + "\(limit.requestsPerSecond.map(String.init) ?? "∞")/second)")
    lines.append("least wall time the limits allow: \(RequestBudget.describe(seconds: seconds))")
    let partitions = plan.firstDay.flatMap { first in plan.lastDay.map { first.distance(to: $0) + 1 } } ?? 0
    lines.append("partitions replaced: \(partitions) (\(config.lake)/export/day=…)")
    return lines.joined(separator: "\n")
  }

  /// `plan --volume`: expected events and bytes, the largest window, and the estimated wall time.
  static func renderVolume(
    _ estimate: VolumeEstimate, plan: WindowPlan, config: LakeConfig
  )
    -> String
  {
    let events = plan.windows.reduce(0) { $0 + estimate.events($1) }
    let size =
      estimate.bytesMeasured
      ? "\(estimate.bytesPerEvent) B/event, the average of the lake's manifests"
      : "\(estimate.bytesPerEvent) B/event assumed (no export in the lake yet)"
    var lines = [
      "expected (Mixpanel's daily counts, \(estimate.requests) Query requests): \(events) events, "
        + "~\(megabytes(events * estimate.bytesPerEvent)) MB at \(size)"
    ]
    if let largest = plan.windows.max(by: { estimate.events($0) < estimate.events($1) }) {
      lines.append(
        "  largest window \(largest.from)..\(largest.to): \(estimate.events(largest)) events, "
          + "~\(megabytes(estimate.bytes(largest))) MB")
    }
    let floor = RequestBudget.minimumSeconds(requests: plan.windows.count, policy: config.exportRateLimit)
    let atOnce = max(1, min(config.maxConcurrentWindows, plan.windows.count))
    let wall = estimate.wallSeconds(
      plan: plan, connections: atOnce, bandwidth: config.connectionBandwidth, floorSeconds: floor,
      policy: config.exportRateLimit)
    lines.append(
      "estimated wall time at \(config.connectionBandwidth / 1_000_000) MB/s per connection, \(atOnce) windows at once: "
        + "\(RequestBudget.describe(seconds: Int(wall.rounded(.up)))) (the limits' floor: "
        + "\(RequestBudget.describe(seconds: floor)))")
    if let measured = VolumeEstimate.measuredConnection(lake: config.lake) {
      lines.append(
        "  the newest export run that measured its connections (\(measured.runID), windows of 1 MB or more): "
          + "\(measured.megabytesPerSecond) MB/s per connection; export_connection_mb_per_second sets what the "
          + "planner assumes")
    }
    return lines.joined(separator: "\n")
  }

  private static func megabytes(_ bytes: Int) -> String {
    let tenths = (bytes + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10)"
  }

  /// The Query API streams: the daily ones' windows, the tables, and the least number of
  /// requests and time Mixpanel's Query limits allow (how many funnels there are, and how many
  /// engage pages, is known only once the run asks).
  static func renderQuery(
    daily: [(DailyStream, WindowPlan)], tables: [FullTableStream], config: LakeConfig
  ) -> String {
    var lines: [String] = []
    var requests = 0
    for (stream, plan) in daily {
      lines.append(
        "stream \(stream.name): \(plan.windows.count) windows of up to \(config.dateWindowSize) days")
      if let first = plan.firstDay, let last = plan.lastDay {
        lines.append("  days \(first)..\(last) (today is \(plan.today) in \(config.projectTimezone))")
      } else {
        lines.append("  nothing to fetch (start_date is after today or end_date)")
      }
      switch stream {
      case .funnels:
        lines.append("  requests: 1 (funnels/list) + one per saved funnel per window")
        requests += 1
      case .revenue:
        lines.append("  requests: \(plan.windows.count)")
        requests += plan.windows.count
      }
    }
    for table in tables {
      switch table {
      case .engage:
        lines.append(
          "stream engage: full table, one request per page of \(config.engagePageSize) profiles")
      case .cohorts:
        lines.append("stream cohorts: full table, 1 request")
      case .cohortMembers:
        lines.append(
          "stream cohort_members: full table, cohorts/list, then one request per page of each cohort's members"
        )
      case .annotations:
        lines.append("stream annotations: full table, 1 request")
      }
      requests += 1
    }
    let limit = config.queryRateLimit
    lines.append(
      "requests: Query API at least \(requests) (limits: \(limit.requestsPerHour.map(String.init) ?? "∞")/hour, "
        + "\(limit.maxConcurrent.map(String.init) ?? "∞") concurrent)")
    let seconds = RequestBudget.minimumSeconds(requests: requests, policy: limit)
    lines.append(
      "least wall time the Query limits allow for those: \(RequestBudget.describe(seconds: seconds))")
    return lines.joined(separator: "\n")
  }
}
