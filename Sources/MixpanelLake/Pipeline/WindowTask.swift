import Lake
import Logging
import MixpanelAPI

/// Carries one window through its attempts: take a permit from the shared rate limiter, fetch
/// and commit, and on failure do what ``RetryPolicy`` decides — wait and retry, hand the window
/// back to be split in halves, or give up. Never throws: the parent switches on the outcome.
struct WindowTask<C: Clock>: Sendable where C.Duration == Duration {
  let fetcher: WindowExport
  let limiter: RateLimiter<C>
  let retryPolicy: RetryPolicy
  let clock: C
  let logger: Logger
  /// Shared by the run's windows: same-kind failures in a row that stop the run.
  let streak: FailureStreak

  func run(_ window: DayWindow) async -> WindowOutcome {
    var attempt = 1
    // The days asked for: the window, or one day less once Mixpanel said its last day is after
    // its today (a project whose zone is ahead of the one the plan used).
    var requested = window
    while true {
      if let stopped = streak.tripped { return .failed(window, stopped, retries: attempt - 1) }
      do {
        let days = requested
        let summary = try await limiter.withPermit {
          try await fetcher.fetch(days, stream: StreamName.export.name)
        }
        streak.succeeded()
        return .committed(window, summary, retries: attempt - 1)
      } catch {
        if requested == window, (error as? MixpanelAPIError)?.isToDateAfterToday == true {
          logger.warning(
            "window.to_date_after_today",
            metadata: [
              "window": "\(window)", "error": "\(error)",
              "fix": "Mixpanel's today is before the plan's: check project_timezone, legacy_project_timezone",
            ])
          guard window.from < window.to else {
            // Nothing Mixpanel will serve yet: the day comes in a later run.
            let nothing = ManifestWindow(id: "", fromDate: "\(window.from)", toDate: "\(window.to)")
            return .committed(window, WindowCommitSummary(window: nothing), retries: attempt - 1)
          }
          requested = DayWindow(from: window.from, to: window.to.adding(days: -1))
          continue
        }
        guard !Task.isCancelled, let failure = Self.retryable(error) else {
          return .failed(window, error, retries: attempt - 1)
        }
        if let stopped = streak.failed(failure, error: error) {
          return .failed(window, stopped, retries: attempt - 1)
        }
        var limited = false
        var room = false
        if case .http(let http) = failure, http.kind == .rateLimited {
          limited = true
          if attempt == 1, http.retryAfterSeconds == nil { room = await limiter.claimShortWait() }
        }
        switch retryPolicy.decide(
          failure, attempt: attempt, windowDays: window.dayCount, limiterHasRoom: room)
        {
        case .retry(let delay):
          if limited { await limiter.penalize(for: delay) }
          logger.warning(
            "window.retry",
            metadata: [
              "window": "\(window)", "attempt": "\(attempt)", "delay_seconds": "\(delay.components.seconds)",
              "error": "\(error)",
            ])
          do {
            try await clock.sleep(for: delay)
          } catch {
            return .failed(window, error, retries: attempt)
          }
          attempt += 1
        case .split:
          logger.warning(
            "window.split", metadata: ["window": "\(window)", "attempts": "\(attempt)", "error": "\(error)"])
          return .split(window, error, retries: attempt)
        case .fail:
          return .failed(window, error, retries: attempt - 1)
        }
      }
    }
  }

  /// The retry policy's view of an error; nil for errors that retrying cannot fix (local I/O,
  /// cancellation).
  static func retryable(_ error: any Error) -> RetryableFailure? {
    switch error {
    case let error as MixpanelAPIError:
      return .http(error)
    case let error as WindowError:
      switch error.kind {
      case .invalidLine: return .invalidLine
      case .terminatedEarly: return .terminatedEarly
      case .bodyCut: return .truncatedBody
      case .idleTimeout: return .idleTimeout
      case .stalled: return .stalled
      case .unconfirmedEmptyDay: return .emptyDayNotConfirmed
      }
    case is LakeError, is CancellationError:
      return nil
    default:
      return .http(MixpanelClient.transportError(error, context: StreamName.export.name))
    }
  }
}

enum WindowOutcome: Sendable {
  case committed(DayWindow, WindowCommitSummary, retries: Int)
  case split(DayWindow, any Error, retries: Int)
  case failed(DayWindow, any Error, retries: Int)
  /// Not a task's outcome: the scheduler cut a waiting window to a lowered ``WindowCeiling``.
  case recut(DayWindow, into: [DayWindow])
}
