import Foundation
import Glibc
import MixpanelLake

/// Prints run progress to stderr: on a terminal one line rewritten every second, otherwise one
/// line every `interval` seconds (cron and Kubernetes logs). Ends when its task is cancelled.
enum ProgressReporter {
  static func run(progress: ExportProgress, windows: Int, interval: Double) async {
    let terminal = isatty(STDERR_FILENO) == 1
    let every = terminal ? 1.0 : interval
    let start = ContinuousClock.now
    while !Task.isCancelled {
      do {
        try await Task.sleep(for: .milliseconds(Int(every * 1000)))
      } catch {
        break
      }
      let line = self.line(progress: progress, windows: windows, elapsed: start.duration(to: .now))
      FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }
    if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }

  static func line(progress: ExportProgress, windows: Int, elapsed: Duration) -> String {
    let seconds = max(
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 0.001)
    let done = progress.windowsCommitted
    let rate = Double(progress.lines) / seconds
    let megabytes = Double(progress.bytesIn) / 1_000_000
    var text =
      "windows \(done)/\(windows)  rows \(progress.lines)  \(Int(megabytes)) MB in  \(Int(rate)) events/s"
    if done > 0, done < windows {
      let eta = seconds / Double(done) * Double(windows - done)
      text += "  ETA \(RequestBudget.describe(seconds: Int(eta)))"
    }
    return text
  }
}
