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
  /// nil disables rate limiting.
  public var rateLimits: FakeRateLimits?
  /// Drives rate-limit windows and request-log timestamps.
  public var clock: any FakeClock

  public init(
    host: String = "127.0.0.1",
    port: Int = 0,
    bandwidthBytesPerSecondPerConnection: Int? = nil,
    chunkBytes: Int = 64 * 1_024,
    gzipThresholdBytes: Int = 1_400,
    gzipLevel: Int32 = 1,
    faults: FakeFaults = .none,
    rateLimits: FakeRateLimits? = nil,
    clock: any FakeClock = SystemFakeClock()
  ) {
    self.host = host
    self.port = port
    self.bandwidthBytesPerSecondPerConnection = bandwidthBytesPerSecondPerConnection
    self.chunkBytes = max(1, chunkBytes)
    self.gzipThresholdBytes = gzipThresholdBytes
    self.gzipLevel = gzipLevel
    self.faults = faults
    self.rateLimits = rateLimits
    self.clock = clock
  }
}
