public import MixpanelAPI
import Synchronization

/// Counts export requests that failed the same way in a row, across all of a run's windows
/// (`max_consecutive_failures`). A success of any window, or a failure of another kind, starts
/// the count again; 429s neither count nor reset it (the limiter and `Retry-After` handle them).
///
/// A wrong region's host ends every answer `terminated early`; a day too large for one request
/// does the same on every split. Without this, windows retry and split for hours of the hourly
/// budget before the run fails.
final class FailureStreak: Sendable {
  private struct State {
    var key: String?
    var count = 0
    var tripped: RunStoppedError?
  }

  let limit: Int
  private let state = Mutex(State())

  init(limit: Int) {
    self.limit = limit
  }

  /// Records a failed request; returns the error that stops the run once the streak reaches the
  /// limit (and to every caller after that).
  func failed(_ failure: RetryableFailure, error: any Error) -> RunStoppedError? {
    if case .http(let http) = failure, http.kind == .rateLimited { return tripped }
    return state.withLock { state in
      if let tripped = state.tripped { return tripped }
      if state.key == failure.kindKey {
        state.count += 1
      } else {
        state.key = failure.kindKey
        state.count = 1
      }
      guard state.count >= limit else { return nil }
      state.tripped = RunStoppedError(count: state.count, failure: failure, last: "\(error)")
      return state.tripped
    }
  }

  func succeeded() {
    state.withLock { state in
      guard state.tripped == nil else { return }
      state.key = nil
      state.count = 0
    }
  }

  /// Set once the streak reached the limit: no window starts another request.
  var tripped: RunStoppedError? { state.withLock { $0.tripped } }
}

/// The run stopped because `count` export requests in a row failed the same way.
public struct RunStoppedError: Error, CustomStringConvertible, Sendable {
  public let count: Int
  public let failure: RetryableFailure
  public let last: String

  public var description: String {
    let causes =
      switch failure {
      case .terminatedEarly:
        "the likely causes: a wrong region (the project's data lives on another region's host: set region to us, eu or in) or an export too large for one day (narrow export_events or export_where)"
      case .http(let error) where error.kind == .transport:
        "check the network and export_api_url/region"
      case .http(let error) where error.kind == .server:
        "Mixpanel is failing; run again later"
      default:
        "retrying will not help until the cause is fixed"
      }
    return
      "stopped the run: the last \(count) export requests all failed the same way (max_consecutive_failures): \(causes); last error: \(last)"
  }
}
