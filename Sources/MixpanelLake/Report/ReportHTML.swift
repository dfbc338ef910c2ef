import CalendarDay

/// Renders a ``LakeReport`` as one self-contained HTML page: inline CSS and SVG, no scripts,
/// nothing fetched. Every text from the lake is escaped.
///
/// Per day-partitioned stream: a bar chart with one `<rect class="bar …">` per day from the
/// first partition to the last (its `<title>` reads `YYYY-MM-DD: N rows`), a y-axis with row
/// counts and gridlines, a tick at the first day of each month, gaps drawn full height in red
/// and listed, days replaced by the latest run in orange and listed; then a small table of days,
/// rows, bytes and compression ratio. Last, a table of the runs in `_runs/` (start, kind,
/// duration, windows, rows, retries, rate-limit waits, result). Tables scroll sideways on a phone.
public enum ReportHTML {
  static let chartWidth = 960
  static let chartHeight = 200
  /// Room left of the bars for the y-axis labels.
  static let axisWidth = 64

  public static func render(_ report: LakeReport, generatedAt: String) -> String {
    var html = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <title>mixpanel-lake report: \(HTMLText.escape(report.lake))</title>
      <style>\(css)</style>
      </head>
      <body>
      <h1>mixpanel-lake report</h1>
      <p class="meta">Lake <code>\(HTMLText.escape(report.lake))</code>, generated \(HTMLText.escape(generatedAt)). \
      Latest run: <code>\(HTMLText.escape(report.latestRunID ?? "none"))</code>.</p>

      """
    if report.streams.isEmpty { html += "<p>No committed partitions.</p>\n" }
    for stream in report.streams { html += section(stream) }
    html += runsTable(report.runs)
    if !report.unreadable.isEmpty {
      html += "<h2>Unreadable manifests</h2>\n<ul class=\"unreadable\">\n"
      for path in report.unreadable { html += "<li><code>\(HTMLText.escape(path))</code></li>\n" }
      html += "</ul>\n"
    }
    html += "</body>\n</html>\n"
    return html
  }

  static func section(_ stream: LakeReport.StreamEntry) -> String {
    let name = HTMLText.escape(stream.stream)
    var html = "<section class=\"stream\" id=\"stream-\(name)\">\n<h2>\(name)</h2>\n"
    if !stream.days.isEmpty {
      html += chart(stream)
      html += legend(counts: stream.hasCounts)
      html += dayList("Gaps (no partition)", "gaps", stream.gaps, empty: "No gaps.")
      html += dayList("Replaced by the latest run", "replaced", stream.replaced, empty: "None.")
      if stream.hasCounts {
        html += dayList(
          "Rows differ from Mixpanel's counts (beyond verify's tolerance)", "differing", stream.differing,
          empty: "None: every day agrees with Mixpanel.")
      }
    }
    html += table(stream)
    html += "</section>\n"
    return html
  }

  static func chart(_ stream: LakeReport.StreamEntry) -> String {
    let count = stream.days.count
    let maxRows = max(1, (stream.days.compactMap(\.rows) + stream.days.compactMap(\.mixpanel)).max() ?? 1)
    let barWidth = Double(chartWidth) / Double(count)
    let label = "Rows per day of \(stream.stream), \(stream.days.first!.day) to \(stream.days.last!.day)"
    let left = Double(axisWidth)
    var svg = """
      <svg class="chart" viewBox="0 -10 \(axisWidth + chartWidth) \(chartHeight + 34)" width="100%" role="img" \
      aria-label="\(HTMLText.escape(label))" xmlns="http://www.w3.org/2000/svg">

      """
    // The y-axis: rows at 0, half and the top, with gridlines.
    for fraction in [0.0, 0.5, 1.0] {
      let y = HTMLText.fixed(Double(chartHeight) * (1 - fraction) + (fraction == 1 ? 0.5 : 0), digits: 1)
      let value = Int((Double(maxRows) * fraction).rounded())
      svg +=
        "<line class=\"grid\" x1=\"\(axisWidth)\" x2=\"\(axisWidth + chartWidth)\" y1=\"\(y)\" y2=\"\(y)\"/>"
        + "<text class=\"axis ylabel\" x=\"\(axisWidth - 6)\" y=\"\(y)\" text-anchor=\"end\" "
        + "dominant-baseline=\"middle\">\(HTMLText.grouped(value))</text>\n"
    }
    for (index, entry) in stream.days.enumerated() {
      let x = HTMLText.fixed(left + Double(index) * barWidth, digits: 2)
      let width = HTMLText.fixed(max(barWidth - (barWidth > 4 ? 1 : 0), 0.5), digits: 2)
      let classes: String
      let height: Double
      let title: String
      let counted = entry.mixpanel.map { "; Mixpanel counts \($0)" } ?? ""
      if let rows = entry.rows {
        classes =
          (entry.replacedByLatestRun ? "bar replaced" : "bar") + (entry.differsFromMixpanel ? " differs" : "")
        height = rows == 0 ? 0 : max(1, Double(chartHeight) * Double(rows) / Double(maxRows))
        title = "\(entry.day): \(rows) rows" + counted
      } else {
        classes = "bar gap"
        height = Double(chartHeight)
        title = "\(entry.day): no partition" + counted
      }
      let y = HTMLText.fixed(Double(chartHeight) - height, digits: 2)
      svg +=
        "<rect class=\"\(classes)\" x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" "
        + "height=\"\(HTMLText.fixed(height, digits: 2))\"><title>\(HTMLText.escape(title))</title></rect>\n"
      // Mixpanel's count: a dark mark across the bar at its height (red where the day differs).
      if let mixpanel = entry.mixpanel {
        let level = HTMLText.fixed(
          Double(chartHeight) * (1 - Double(mixpanel) / Double(maxRows)), digits: 2)
        let end = HTMLText.fixed(left + Double(index) * barWidth + max(barWidth - 1, 0.5), digits: 2)
        svg +=
          "<line class=\"mixpanel\(entry.differsFromMixpanel ? " differs" : "")\" x1=\"\(x)\" x2=\"\(end)\" "
          + "y1=\"\(level)\" y2=\"\(level)\"/>\n"
      }
    }
    // A tick at each month's first day, labelled `2024-06`, thinned to at most 12 labels.
    let months = stream.days.enumerated().filter { $0.element.day.parts.day == 1 }
    let step = max(1, (months.count + 11) / 12)
    var lastLabel = -Double.infinity
    var shown = 0
    for (position, (index, entry)) in months.enumerated() {
      let x = HTMLText.fixed(left + Double(index) * barWidth, digits: 2)
      svg += "<line class=\"tick\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(chartHeight)\" y2=\"\(chartHeight + 5)\"/>"
      let offset = Double(index) * barWidth
      // A label needs about 70 units of room: one too close to the last is left out.
      if position % step == 0, offset - lastLabel >= 70 {
        let (year, month, _) = entry.day.parts
        let name = "\(year)-\(month < 10 ? "0" : "")\(month)"
        // Near the right edge the label ends at its tick instead of starting there.
        let nearEnd = offset > Double(chartWidth) - 130
        if !nearEnd || offset - lastLabel >= 140 {
          let anchor = nearEnd ? " text-anchor=\"end\"" : ""
          // Every other label is hidden on a phone, where the text is larger.
          let alternate = shown % 2 == 1 ? " alternate" : ""
          svg +=
            "<text class=\"axis month\(alternate)\" x=\"\(x)\" y=\"\(chartHeight + 17)\"\(anchor)>\(name)</text>"
          lastLabel = offset
          shown += 1
        }
      }
      svg += "\n"
    }
    if months.isEmpty {
      svg += """
        <text class="axis" x="\(axisWidth)" y="\(chartHeight + 17)">\(stream.days.first!.day)</text>
        <text class="axis" x="\(axisWidth + chartWidth)" y="\(chartHeight + 17)" text-anchor="end">\(stream.days.last!.day)</text>

        """
    }
    svg += "</svg>\n"
    return svg
  }

  static func legend(counts: Bool) -> String {
    "<p class=\"legend\"><span class=\"swatch committed\"></span> rows committed "
      + "<span class=\"swatch replaced\"></span> replaced by the latest run "
      + "<span class=\"swatch gap\"></span> gap (no partition)"
      + (counts
        ? " <span class=\"swatch mixpanel\"></span> Mixpanel's count "
          + "<span class=\"swatch differs\"></span> differs from Mixpanel" : "")
      + "</p>\n"
  }

  static func dayList(_ title: String, _ kind: String, _ days: [Day], empty: String) -> String {
    guard !days.isEmpty else { return "<p class=\"\(kind)\">\(title): \(empty)</p>\n" }
    let items = ranges(days).map { range in
      range.lowerBound == range.upperBound
        ? "<li>\(range.lowerBound)</li>" : "<li>\(range.lowerBound) to \(range.upperBound)</li>"
    }
    return "<p class=\"\(kind)\">\(title): \(days.count) day(s)</p>\n<ul class=\"\(kind)\">\n"
      + items.joined(separator: "\n") + "\n</ul>\n"
  }

  /// Consecutive days collapsed into ranges.
  static func ranges(_ days: [Day]) -> [ClosedRange<Day>] {
    var out: [ClosedRange<Day>] = []
    for day in days.sorted() {
      if let last = out.last, last.upperBound.adding(days: 1) == day {
        out[out.count - 1] = last.lowerBound...day
      } else {
        out.append(day...day)
      }
    }
    return out
  }

  /// The runs of `_runs/`, newest first.
  static func runsTable(_ runs: [LakeReport.RunEntry]) -> String {
    guard !runs.isEmpty else { return "<h2>Runs</h2>\n<p>No run records.</p>\n" }
    var html = """
      <h2>Runs</h2>
      <div class="scroll"><table class="runs">
      <thead><tr><th>Started</th><th>Run</th><th>Kind</th><th>Duration</th><th>Windows</th><th>Rows</th>\
      <th>Retries</th><th>Rate-limit waits</th><th>Result</th></tr></thead>
      <tbody>

      """
    for run in runs {
      let duration = run.seconds.map { RequestBudget.describe(seconds: Int($0.rounded())) } ?? "–"
      let windows = run.plannedWindows.map { "\(run.committedWindows ?? 0)/\($0)" } ?? "–"
      let rows = run.rows.map(HTMLText.grouped) ?? run.rowsRemoved.map { "−" + HTMLText.grouped($0) } ?? "–"
      let retries =
        run.retries.map { "\($0)" + ((run.splits ?? 0) > 0 ? " (\(run.splits!) splits)" : "") } ?? "–"
      let waits =
        run.rateLimitWaits.map { waits in
          waits == 0
            ? "0"
            : "\(waits) (" + RequestBudget.describe(seconds: Int((run.rateLimitWaitSeconds ?? 0).rounded()))
              + ")"
        } ?? "–"
      let result = run.status ?? (run.kind == "reset" ? "reset" : "–")
      html +=
        "<tr class=\"\(HTMLText.escape(result))\"><td>"
        + "\(HTMLText.escape(run.startedAt.map { $0.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "") } ?? "–"))</td>"
        + "<td><code>\(HTMLText.escape(run.runID))</code></td>"
        + "<td>\(HTMLText.escape(run.kind + (run.streams.isEmpty ? "" : " (" + run.streams.joined(separator: ", ") + ")")))</td>"
        + "<td>\(duration)</td><td>\(windows)</td><td>\(rows)</td><td>\(retries)</td><td>\(waits)</td>"
        + "<td>\(HTMLText.escape(result))</td></tr>\n"
    }
    return html + "</tbody>\n</table></div>\n"
  }

  static func table(_ stream: LakeReport.StreamEntry) -> String {
    let ratio = stream.compressionRatio.map { HTMLText.fixed($0, digits: 1) + "×" } ?? "–"
    let firstColumn = stream.days.isEmpty ? "Partitions" : "Days"
    return """
      <div class="scroll"><table class="totals">
      <thead><tr><th>\(firstColumn)</th><th>Rows</th><th>Bytes (stored)</th><th>Bytes (uncompressed)</th>\
      <th>Compression ratio</th></tr></thead>
      <tbody><tr><td>\(HTMLText.grouped(stream.partitions))</td><td>\(HTMLText.grouped(stream.rows))</td>\
      <td>\(HTMLText.bytes(stream.bytes))</td><td>\(HTMLText.bytes(stream.uncompressedBytes))</td>\
      <td>\(ratio)</td></tr></tbody>
      </table></div>

      """
  }

  static let css = """
    body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:1200px}\
    h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}.meta{color:#555}code{font-size:.95em}\
    .chart{border-bottom:1px solid #999;margin:.5em 0}.bar{fill:#3b78c2}.bar.replaced{fill:#f08c00}\
    .bar.gap{fill:#f3c6c6;stroke:#d33;stroke-width:.5}.bar.differs{fill:#b02a2a}\
    .mixpanel{stroke:#222;stroke-width:2}.mixpanel.differs{stroke:#d33}.axis{font-size:11px;fill:#555}\
    .swatch{display:inline-block;width:.9em;height:.9em;vertical-align:middle;margin:0 .3em 0 1em}\
    .swatch.committed{background:#3b78c2}.swatch.replaced{background:#f08c00}.swatch.gap{background:#f3c6c6;border:1px solid #d33}\
    .swatch.mixpanel{background:#222;height:.2em}.swatch.differs{background:#b02a2a}\
    ul.gaps li{color:#b00}table{border-collapse:collapse;margin-top:1em}\
    th,td{border:1px solid #ccc;padding:.3em .7em;text-align:right}th{background:#f4f4f4}\
    .grid{stroke:#ddd;stroke-width:1}.tick{stroke:#999}.ylabel{font-size:11px}\
    .scroll{overflow-x:auto}.runs td{white-space:nowrap}.runs th{vertical-align:bottom}tr.failed td,tr.interrupted td{color:#b00}\
    @media (max-width:600px){body{margin:.8em}.axis{font-size:28px}.month.alternate{display:none}\
    th,td{padding:.2em .4em}}
    """
}
