/// How the fake server listens and behaves (faults and rate limits are off by default).
public struct FakeServerConfiguration: Sendable {
  public var host: String
  /// 0 picks a free port; the bound port is on `FakeServerHandle.port`.
  public var port: Int
  /// Paces response bodies per connection; nil = as fast as the socket allows.
  public var bandwidthBytesPerSecondPerConnection: Int?
  /// Largest body write handed to the channel at once.
  public var chunkBytes: Int
  /// gzip only bodies strictly larger than this (Mixpanel: 1400).
  public var gzipThresholdBytes: Int
  /// zlib level 1…9 (1 is fastest).
  public var gzipLevel: Int32
  public var faults: FakeFaults
  /// Export limits; nil disables rate limiting (of every family).
  public var rateLimits: FakeRateLimits?
  /// Query API limits (every `/api/query`, `/api/2.0` and App API endpoint shares them), applied
  /// only while `rateLimits` is on. The initialiser defaults them to `.mixpanelQuery`.
  public var queryRateLimits: FakeRateLimits?
  /// Engage `session_id`s expire this long (in `clock` time) after page 0; nil: never.
  public var engageSessionLifetime: Duration?
  /// The first this many engage sessions expire right after their page 0 (a session that runs
  /// out once mid-pagination); later ones follow `engageSessionLifetime`.
  public var engageSessionsExpiringAtOnce: Int
  /// Drives rate-limit windows and request-log timestamps.
  public var clock: any FakeClock
  /// Holds export answers until that many export requests are waiting together; nil: never.
  public var exportGate: FakeExportGate?

  public init(
    host: String = "127.0.0.1",
    port: Int = 0,
    bandwidthBytesPerSecondPerConnection: Int? = nil,
    chunkBytes: Int = 64 * 1_024,
    gzipThresholdBytes: Int = 1_400,
    gzipLevel: Int32 = 1,
    faults: FakeFaults = .none,
    rateLimits: FakeRateLimits? = nil,
    queryRateLimits: FakeRateLimits? = nil,
    clock: any FakeClock = SystemFakeClock(),
    engageSessionLifetime: Duration? = nil,
    engageSessionsExpiringAtOnce: Int = 0,
    exportGate: FakeExportGate? = nil
  ) {
    self.host = host
    self.port = port
    self.bandwidthBytesPerSecondPerConnection = bandwidthBytesPerSecondPerConnection
    self.chunkBytes = max(1, chunkBytes)
    self.gzipThresholdBytes = gzipThresholdBytes
    self.gzipLevel = gzipLevel
    self.faults = faults
    self.rateLimits = rateLimits
    self.queryRateLimits = queryRateLimits ?? (rateLimits == nil ? nil : .mixpanelQuery)
    self.clock = clock
    self.engageSessionLifetime = engageSessionLifetime
    self.engageSessionsExpiringAtOnce = engageSessionsExpiringAtOnce
    self.exportGate = exportGate
  }
}
