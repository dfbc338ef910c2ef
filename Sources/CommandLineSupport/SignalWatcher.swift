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
public enum SignalWatcher {
  /// The first of `signals` to arrive, or nil when the waiting task is cancelled.
  public static func first(of signals: [Int32]) async -> Int32? {
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
  public static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }
}

extension SignalWatcher {
  /// How a run beside the watcher ended.
  public enum Outcome<Value: Sendable>: Sendable {
    case finished(Value)
    case failed(any Error)
    /// SIGINT or SIGTERM arrived; the run was cancelled and has unwound (its clean-up ran).
    case signal(Int32)
  }

  /// Runs `body` until it ends or SIGINT/SIGTERM arrives, which cancels it; waits for it to
  /// unwind either way, so its `defer`s (a spool, temporary files) have run on return.
  /// `onSignal` hears the signal as it arrives, before the unwinding.
  public static func run<Value: Sendable>(
    onSignal: (Int32) -> Void = { _ in }, _ body: @escaping @Sendable () async throws -> Value
  ) async -> Outcome<Value> {
    await withTaskGroup(of: Outcome<Value>?.self) { group in
      group.addTask {
        do {
          return .finished(try await body())
        } catch {
          return .failed(error)
        }
      }
      group.addTask { await first(of: [SIGINT, SIGTERM]).map { .signal($0) } }
      var signal: Int32?
      while let outcome = await group.next() {
        switch outcome {
        case .signal(let number)?:
          onSignal(number)
          signal = number
          group.cancelAll()
        case .finished?, .failed?:
          group.cancelAll()
          if let signal { return .signal(signal) }
          return outcome!
        case nil:
          break
        }
      }
      return .signal(signal ?? SIGTERM)
    }
  }
}
