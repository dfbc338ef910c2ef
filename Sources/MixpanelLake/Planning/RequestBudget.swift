public import MixpanelAPI

/// The least time Mixpanel's rate limits allow for a number of requests: the k-th request
/// (from 0) cannot start before `k / per_second` seconds (each "second" the limiter's
/// ``RateLimitPolicy/secondWindow``, 1.1 s for export) nor before `k / per_hour` "hours" (each
/// ``RateLimitPolicy/hourWindow``, 3630 s for Mixpanel's policies), since
/// the limits are sliding windows over request starts.
///
/// ```
///  a year, 30-day windows:  13 requests → 4 s        (3 per second)
///  a year, 1-day windows:  365 requests → 6 h 3 m (60 per hour: 6 full "hours" of waiting)
/// ```
public enum RequestBudget {
  /// Seconds from the first request's start to the last one's, at the fastest allowed pace.
  public static func minimumSeconds(requests: Int, policy: RateLimitPolicy) -> Int {
    guard requests > 1 else { return 0 }
    return Int(startSeconds(request: requests - 1, policy: policy))
  }

  /// The earliest the k-th request (from 0) can start, in seconds after the first.
  public static func startSeconds(request k: Int, policy: RateLimitPolicy) -> Double {
    var seconds = 0.0
    if let perSecond = policy.requestsPerSecond {
      seconds = max(seconds, Double(k / perSecond) * policy.secondWindow.inSeconds)
    }
    if let perHour = policy.requestsPerHour {
      seconds = max(seconds, Double(k / perHour) * policy.hourWindow.inSeconds)
    }
    return seconds
  }

  /// `6 h 0 m 4 s`, `45 s`.
  public static func describe(seconds: Int) -> String {
    let hours = seconds / 3600
    let minutes = seconds / 60 % 60
    let rest = seconds % 60
    if hours > 0 { return "\(hours) h \(minutes) m \(rest) s" }
    if minutes > 0 { return "\(minutes) m \(rest) s" }
    return "\(rest) s"
  }
}
