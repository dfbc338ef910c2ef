import ArgumentParser
import Foundation
import Logging
import MixpanelLake

struct PlanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Show what an export would fetch and replace, and the least time Mixpanel's limits allow.",
    discussion: "Reads the config and the lake's state; changes nothing and sends no request.")

  @Option(name: .long, help: "The JSON config file.")
  var config: String

  @Option(name: .long, help: "The lake directory (overrides the config's 'lake').")
  var lake: String?

  @Option(name: .long, help: "The state file (default: <lake>/_state.json).")
  var state: String?

  func run() async throws {
    do {
      let loaded = try ConfigLoader.load(
        path: config, environment: ProcessInfo.processInfo.environment,
        overrides: ConfigOverrides(lake: lake, statePath: state))
      var logger = Logger(label: "mixpanel-lake") { StreamLogHandler.standardError(label: $0) }
      logger.logLevel = .error
      let plan = try ExportRun(config: loaded, logger: logger).plan()
      print(PlanText.render(plan, config: loaded))
    } catch {
      throw ExitStatus.fail(error)
    }
  }
}

/// The text of `mixpanel-lake plan`.
enum PlanText {
  static func render(_ plan: ExportPlan, config: LakeConfig) -> String {
    var lines = ["stream export: \(plan.windows.count) windows of up to \(config.dateWindowSize) days"]
    if let first = plan.firstDay, let last = plan.lastDay {
      lines.append("  days \(first)..\(last) (today is \(plan.today) in \(config.exportDayZone))")
    } else {
      lines.append("  nothing to fetch (start_date is after today or end_date)")
    }
    if let clamped = plan.clampedStartDate {
      lines.append("  start_date \(clamped) moved forward to Mixpanel's 365-day history")
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
}
