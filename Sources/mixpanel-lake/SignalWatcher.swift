import Dispatch
import Glibc

/// The write end of the self-pipe the C signal handler writes the signal number into.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Waits for SIGINT or SIGTERM as an async value, so a run can be cancelled through structured
/// concurrency: the export child is cancelled, in-flight windows are discarded, the state of
/// committed windows is already on disk.
///
/// A classic self-pipe: the handler only `write(2)`s the signal number (async-signal-safe), and a
/// dispatch read source turns the pipe into an `AsyncStream`. (libdispatch's own signal sources
/// miss signals on Linux once the disposition is `SIG_IGN`.)
enum SignalWatcher {
  /// The first of `signals` to arrive, or nil when the waiting task is cancelled.
  static func first(of signals: [Int32]) async -> Int32? {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return await neverUntilCancelled() }
    signalPipeWriteEnd = ends[1]
    for number in signals {
      signal(number) { received in
        var byte = UInt8(truncatingIfNeeded: received)
        _ = write(signalPipeWriteEnd, &byte, 1)
      }
    }
    let (stream, continuation) = AsyncStream<Int32>.makeStream()
    let source = DispatchSource.makeReadSource(fileDescriptor: ends[0], queue: .global())
    source.setEventHandler {
      var byte: UInt8 = 0
      if read(ends[0], &byte, 1) == 1 { continuation.yield(Int32(byte)) }
    }
    source.setCancelHandler {
      close(ends[0])
      close(ends[1])
    }
    source.resume()
    defer {
      for number in signals { signal(number, SIG_DFL) }
      signalPipeWriteEnd = -1
      source.cancel()
    }
    return await withTaskCancellationHandler {
      for await number in stream { return number }
      return nil
    } onCancel: {
      continuation.finish()
    }
  }

  private static func neverUntilCancelled() async -> Int32? {
    let (stream, continuation) = AsyncStream<Int32>.makeStream()
    return await withTaskCancellationHandler {
      for await number in stream { return number }
      return nil
    } onCancel: {
      continuation.finish()
    }
  }

  /// The conventional exit status for a run ended by `signal`: 128 + its number.
  static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }
}
