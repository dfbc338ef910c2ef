/// How often a fault fires, and how many times at most.
public struct FaultRule: Sendable, Hashable {
  /// Probability per eligible export request, 0…1.
  public var rate: Double
  /// The fault is injected at most this many times (so retries eventually succeed).
  public var maxInjections: Int
  /// The first this many eligible requests are never faulted (a failure part-way through a run).
  public var after: Int

  public init(rate: Double, maxInjections: Int = 3, after: Int = 0) {
    self.rate = rate
    self.maxInjections = maxInjections
    self.after = after
  }

  /// Fires on the first `count` eligible requests.
  public static func first(_ count: Int) -> FaultRule {
    FaultRule(rate: 1, maxInjections: count)
  }
}

/// Seeded fault injection for the export endpoint. Every fault is off by default.
public struct FakeFaults: Sendable, Hashable {
  /// Seeds the per-request dice, so the same request sequence meets the same faults.
  public var seed: UInt64
  /// `500 {"error": "unknown error"}`.
  public var status5xx: FaultRule?
  /// A burst of consecutive 429s.
  public var burst429: Burst429?
  /// 200, some whole lines, half a line, then the connection closes.
  public var cutMidLine: CutMidLine?
  /// 200, some whole lines, then `terminated early\n`, then close.
  public var terminatedEarly: TerminatedEarly?
  /// An export answer of more lines than this sends that many, then `terminated early`, every
  /// time it is asked: Mixpanel ending an answer that is too large (not a roll of the dice).
  public var maxLinesPerAnswer: Int?
  /// One line of broken JSON inside an otherwise normal body.
  public var malformedLine: FaultRule?
  /// The body stops for a while half-way through.
  public var stallMidBody: Pause?
  /// A delay before the response head is sent.
  public var slowFirstByte: Pause?
  /// The whole body arrives in tiny chunks, slowly.
  public var dribble: Dribble?
  /// A request that arrives on a kept-alive connection (one that already served a response) is
  /// answered by closing the connection: a server whose idle timeout fired as the request came.
  public var staleConnection: FaultRule?
  /// Query API (and App API) calls answered `500 {"error": "unknown error"}`.
  public var queryServerError: FaultRule?
  /// Query API (and App API) calls answered `429` (no `Retry-After`), one at a time.
  public var queryTooManyRequests: FaultRule?
  /// `200` whose body is, or ends in, Mixpanel's JSON error object (a proxy or gateway in
  /// between, an incident, an error written after part of the body).
  public var errorObject: ErrorObject?
  /// `200` with an empty body for a request whose days hold events.
  public var emptyBody: FaultRule?
  /// `400` whose error text quotes the request's `Authorization` header back.
  public var echoAuthorization: FaultRule?
  /// One line with raw control bytes (ESC, CR, BEL, NUL) inside an otherwise normal body.
  public var controlBytes: FaultRule?

  public init(
    seed: UInt64 = 0, status5xx: FaultRule? = nil, burst429: Burst429? = nil,
    cutMidLine: CutMidLine? = nil, terminatedEarly: TerminatedEarly? = nil,
    malformedLine: FaultRule? = nil, stallMidBody: Pause? = nil, slowFirstByte: Pause? = nil,
    dribble: Dribble? = nil, staleConnection: FaultRule? = nil, queryServerError: FaultRule? = nil,
    queryTooManyRequests: FaultRule? = nil, errorObject: ErrorObject? = nil, emptyBody: FaultRule? = nil,
    echoAuthorization: FaultRule? = nil, controlBytes: FaultRule? = nil, maxLinesPerAnswer: Int? = nil
  ) {
    self.maxLinesPerAnswer = maxLinesPerAnswer.map { max(0, $0) }
    self.errorObject = errorObject
    self.emptyBody = emptyBody
    self.echoAuthorization = echoAuthorization
    self.controlBytes = controlBytes
    self.seed = seed
    self.status5xx = status5xx
    self.burst429 = burst429
    self.cutMidLine = cutMidLine
    self.terminatedEarly = terminatedEarly
    self.malformedLine = malformedLine
    self.stallMidBody = stallMidBody
    self.slowFirstByte = slowFirstByte
    self.dribble = dribble
    self.staleConnection = staleConnection
    self.queryServerError = queryServerError
    self.queryTooManyRequests = queryTooManyRequests
  }

  public static let none = FakeFaults()

  public struct Burst429: Sendable, Hashable {
    /// Chance that a burst starts; `maxInjections` caps the number of bursts.
    public var rule: FaultRule
    /// Consecutive export requests answered 429 once a burst starts.
    public var length: Int
    /// Sends `Retry-After: <seconds>` when set.
    public var retryAfterSeconds: Int?

    public init(rule: FaultRule, length: Int = 3, retryAfterSeconds: Int? = nil) {
      self.rule = rule
      self.length = max(1, length)
      self.retryAfterSeconds = retryAfterSeconds
    }
  }

  public struct CutMidLine: Sendable, Hashable {
    public var rule: FaultRule
    /// Close with RST (SO_LINGER 0) instead of FIN.
    public var reset: Bool

    public init(rule: FaultRule, reset: Bool = false) {
      self.rule = rule
      self.reset = reset
    }
  }

  public struct TerminatedEarly: Sendable, Hashable {
    public var rule: FaultRule
    /// Whole lines sent before the marker; nil = half of the body; 0 = the marker is the body.
    public var linesBefore: Int?
    public var marker: String

    public init(rule: FaultRule, linesBefore: Int? = nil, marker: String = "terminated early") {
      self.rule = rule
      self.linesBefore = linesBefore
      self.marker = marker
    }
  }

  public struct ErrorObject: Sendable, Hashable {
    public var rule: FaultRule
    /// Whole lines before the error object; 0 = the object is the body (the default).
    public var linesBefore: Int
    public var message: String

    public init(
      rule: FaultRule, linesBefore: Int = 0, message: String = "Internal server error, please retry"
    ) {
      self.rule = rule
      self.linesBefore = max(0, linesBefore)
      self.message = message
    }
  }

  public struct Pause: Sendable, Hashable {
    public var rule: FaultRule
    /// Real time (not `FakeClock` time).
    public var duration: Duration

    public init(rule: FaultRule, duration: Duration) {
      self.rule = rule
      self.duration = duration
    }
  }

  public struct Dribble: Sendable, Hashable {
    public var rule: FaultRule
    public var chunkBytes: Int
    public var interval: Duration

    public init(rule: FaultRule, chunkBytes: Int = 16, interval: Duration = .milliseconds(5)) {
      self.rule = rule
      self.chunkBytes = max(1, chunkBytes)
      self.interval = interval
    }
  }
}
