/// What to do after a failed attempt; decided by ``RetryPolicy``.
public enum RetryDecision: Sendable, Equatable {
  /// Try the same request again after waiting `after`.
  case retry(after: Duration)
  /// Attempts ran out on a window of two days or more: split it in halves and try each with fresh
  /// attempts.
  case split
  /// Give up; `reason` says what failed and what to do about it.
  case fail(reason: String)
}
