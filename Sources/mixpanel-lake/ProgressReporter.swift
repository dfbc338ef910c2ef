import Foundation
import Glibc
import MixpanelAPI
import MixpanelLake

/// Prints run progress to stderr: on a terminal one line rewritten every second, otherwise one
/// line every `interval` seconds (cron and Kubernetes logs). Ends when its task is cancelled.
enum ProgressReporter {
  static func run(progress: ExportProgress, windows: Int, interval: Double) async {
    let terminal = isatty(STDERR_FILENO) == 1
    let every = terminal ? 1.0 : interval
    let start = ContinuousClock.now
    var last = (time: start, bytes: progress.bytesIn)
    while !Task.isCancelled {
      do {
        try await Task.sleep(for: .milliseconds(Int(every * 1000)))
      } catch {
        break
      }
      let now = ContinuousClock.now
      let bytes = progress.bytesIn
      let line = ProgressLine.render(
        progress: progress, windows: windows, elapsedSeconds: start.duration(to: now).inSeconds,
        recentBytesPerSecond: Double(bytes - last.bytes) / max(last.time.duration(to: now).inSeconds, 0.001))
      last = (now, bytes)
      FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }
    if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }
}
