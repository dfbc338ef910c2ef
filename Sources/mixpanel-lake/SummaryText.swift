import MixpanelLake

/// The end-of-run table printed to stdout.
enum SummaryText {
  static func render(_ summary: RunSummary, lake: String) -> String {
    let seconds = max(summary.seconds, 0.001)
    let mb = Double(summary.uncompressedBytes) / 1_000_000
    let ratio = summary.storedBytes > 0 ? Double(summary.uncompressedBytes) / Double(summary.storedBytes) : 0
    var lines = [
      "run \(summary.runID): \(summary.failedWindows.isEmpty ? "succeeded" : "FAILED")",
      "stream   windows  rows        files  MB in     MB out   ratio  seconds  events/s",
      [
        pad("export", 8), pad("\(summary.committedWindows)/\(summary.plannedWindows)", 8),
        pad("\(summary.rows)", 11), pad("\(summary.files)", 6), pad(fixed(mb, 1), 9),
        pad(fixed(Double(summary.storedBytes) / 1_000_000, 1), 8), pad(fixed(ratio, 1) + "x", 6),
        pad(fixed(seconds, 1), 8), fixed(Double(summary.rows) / seconds, 0),
      ].joined(separator: " "),
    ]
    if summary.quarantinedLines > 0 {
      lines.append(
        "warning: \(summary.quarantinedLines) malformed line(s) set aside in \(lake)/export/_quarantine/ (malformed_lines: quarantine)"
      )
    }
    if summary.outOfWindowRows > 0 {
      lines.append("out-of-window rows kept in \(lake)/export/_out_of_window/: \(summary.outOfWindowRows)")
    }
    if let clamped = summary.clampedStartDate {
      lines.append("start_date \(clamped) was moved forward to Mixpanel's 365-day history")
    }
    lines.append("bookmark: \(summary.bookmark ?? "none")   lake: \(lake)")
    return lines.joined(separator: "\n")
  }

  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }

  static func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if digits == 0 { return String(Int(rounded)) }
    let text = String(rounded)
    let parts = text.split(separator: ".")
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    return "\(parts[0])." + String((fraction + String(repeating: "0", count: digits)).prefix(digits))
  }
}
