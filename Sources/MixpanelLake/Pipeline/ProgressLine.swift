/// One line of run progress, as `export` prints it to stderr:
///
/// ```
/// windows 12/52 (4 in flight)  rows 1204311  1330 MB in  38.2 MB/s  96312 events/s  ETA 2 min
/// ```
///
/// MB/s is over all connections during the last interval (what the network gives now); events/s
/// is over the whole run.
public enum ProgressLine {
  public static func render(
    progress: ExportProgress, windows: Int, elapsedSeconds: Double, recentBytesPerSecond: Double?
  ) -> String {
    let seconds = max(elapsedSeconds, 0.001)
    let done = progress.windowsCommitted
    var text = "windows \(done)/\(windows) (\(progress.windowsInFlight) in flight)  rows \(progress.lines)  "
    text += "\(progress.bytesIn / 1_000_000) MB in"
    if let recentBytesPerSecond {
      let tenths = Int((recentBytesPerSecond / 100_000).rounded())
      text += "  \(tenths / 10).\(tenths % 10) MB/s"
    }
    text += "  \(Int(Double(progress.lines) / seconds)) events/s"
    if done > 0, done < windows {
      let eta = seconds / Double(done) * Double(windows - done)
      text += "  ETA \(RequestBudget.describe(seconds: Int(eta)))"
    }
    return text
  }
}
