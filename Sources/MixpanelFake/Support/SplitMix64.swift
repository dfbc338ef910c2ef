/// SplitMix64: a tiny, fast, seedable generator. Its finaliser is a bijection on `UInt64`,
/// which `FakeEventGenerator` relies on to make `$insert_id` unique. Public: the tests' seeded
/// data comes from the same generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) {
    self.state = seed
  }

  /// Seeds a generator from several words, so streams for different inputs do not overlap.
  public init(_ words: UInt64...) {
    var h: UInt64 = 0x243F_6A88_85A3_08D3
    for word in words {
      h = SplitMix64.mix(h ^ SplitMix64.mix(word &+ 0x9E37_79B9_7F4A_7C15))
    }
    self.state = h
  }

  public mutating func next() -> UInt64 {
    self.state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.mix(self.state)
  }

  /// Uniform in `0..<bound` (bound > 0). Slight modulo bias is irrelevant for fake data.
  public mutating func below(_ bound: Int) -> Int {
    Int(self.next() % UInt64(bound))
  }

  /// Uniform in `[0, 1)`.
  public mutating func unit() -> Double {
    Double(self.next() >> 11) * 0x1.0p-53
  }

  public mutating func chance(_ probability: Double) -> Bool {
    self.unit() < probability
  }

  /// The SplitMix64 finaliser: a bijection on 64-bit words.
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
