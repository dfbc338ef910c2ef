import CSHA256

/// Streaming SHA-256 (FIPS 180-4): the x86 SHA extensions where the CPU has them (about 2 GB/s,
/// the manifest hashes every stored byte), pure Swift elsewhere.
///
/// Whole 64-byte blocks are compressed directly from the caller's buffer; only a partial trailing
/// block is copied into fixed inline storage, so hashing never allocates on the heap.
public struct SHA256: Sendable {
  /// The eight 32-bit chaining values H0...H7.
  private struct State: Sendable {
    var h0: UInt32 = 0x6a09_e667
    var h1: UInt32 = 0xbb67_ae85
    var h2: UInt32 = 0x3c6e_f372
    var h3: UInt32 = 0xa54f_f53a
    var h4: UInt32 = 0x510e_527f
    var h5: UInt32 = 0x9b05_688c
    var h6: UInt32 = 0x1f83_d9ab
    var h7: UInt32 = 0x5be0_cd19
  }

  /// 64 bytes of inline storage for a partial block.
  private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

  private var state = State()
  private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
  private var pendingCount = 0
  private var totalLength: UInt64 = 0
  private let hardware: Bool

  /// Whether this CPU runs SHA-256 in hardware (x86 SHA extensions).
  static let hardwareAvailable = csha256_available() != 0

  /// Size of a digest in bytes.
  public static let digestSize = 32

  public init() {
    hardware = Self.hardwareAvailable
  }

  /// `portable`: always the Swift implementation (tests compare it with the hardware one).
  init(portable: Bool) {
    hardware = !portable && Self.hardwareAvailable
  }

  /// Feeds `bytes` into the hash.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard var source = bytes.baseAddress, bytes.count > 0 else { return }
    var remaining = bytes.count
    totalLength &+= UInt64(remaining)

    if pendingCount > 0 {
      let start = pendingCount
      let take = min(64 - start, remaining)
      withUnsafeMutableBytes(of: &pending) { block in
        (block.baseAddress! + start).copyMemory(from: source, byteCount: take)
      }
      pendingCount += take
      source += take
      remaining -= take
      guard pendingCount == 64 else { return }
      let block = pending
      withUnsafeBytes(of: block) { Self.compress(&state, $0.baseAddress!, blockCount: 1, hardware: hardware) }
      pendingCount = 0
    }

    let blockCount = remaining / 64
    if blockCount > 0 {
      Self.compress(&state, source, blockCount: blockCount, hardware: hardware)
      source += blockCount * 64
      remaining -= blockCount * 64
    }

    if remaining > 0 {
      let take = remaining
      withUnsafeMutableBytes(of: &pending) { block in
        block.baseAddress!.copyMemory(from: source, byteCount: take)
      }
      pendingCount = take
    }
  }

  /// Feeds `bytes` into the hash.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Returns the 32-byte digest of everything fed so far and resets the hasher to its initial state.
  public mutating func finalize() -> [UInt8] {
    let bitLength = totalLength &* 8
    let count = pendingCount
    let block = pending
    // Up to two blocks: data, 0x80, zero padding, then the 64-bit big-endian message length in bits.
    var tail: (Block, Block) = ((0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0))
    let tailSize = count < 56 ? 64 : 128
    withUnsafeMutableBytes(of: &tail) { tail in
      withUnsafeBytes(of: block) { tail.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
      tail[count] = 0x80
      tail.storeBytes(of: bitLength.bigEndian, toByteOffset: tailSize - 8, as: UInt64.self)
      Self.compress(
        &state, UnsafeRawPointer(tail.baseAddress!), blockCount: tailSize / 64, hardware: hardware)
    }
    let words = [
      state.h0, state.h1, state.h2, state.h3, state.h4, state.h5, state.h6, state.h7,
    ]
    self = SHA256(portable: !hardware)
    return [UInt8](unsafeUninitializedCapacity: Self.digestSize) { buffer, initialized in
      for (index, word) in words.enumerated() {
        buffer[index * 4] = UInt8(truncatingIfNeeded: word >> 24)
        buffer[index * 4 + 1] = UInt8(truncatingIfNeeded: word >> 16)
        buffer[index * 4 + 2] = UInt8(truncatingIfNeeded: word >> 8)
        buffer[index * 4 + 3] = UInt8(truncatingIfNeeded: word)
      }
      initialized = Self.digestSize
    }
  }

  /// Lowercase hexadecimal rendering of `digest`.
  public static func hex(_ digest: [UInt8]) -> String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    let characters = [UInt8](unsafeUninitializedCapacity: digest.count * 2) { buffer, initialized in
      for (index, byte) in digest.enumerated() {
        buffer[index * 2] = digits[Int(byte >> 4)]
        buffer[index * 2 + 1] = digits[Int(byte & 0x0f)]
      }
      initialized = digest.count * 2
    }
    return String(decoding: characters, as: UTF8.self)
  }

  /// Lowercase hex SHA-256 of `bytes`.
  public static func hash(_ bytes: [UInt8]) -> String {
    var hasher = SHA256()
    hasher.update(bytes)
    return hex(hasher.finalize())
  }

  private static let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  @inline(__always)
  private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x &>> n) | (x &<< (32 &- n))
  }

  /// Runs the compression function over `blockCount` consecutive 64-byte blocks at `data`.
  private static func compress(
    _ state: inout State, _ data: UnsafeRawPointer, blockCount: Int, hardware: Bool
  ) {
    if hardware {
      var words = (state.h0, state.h1, state.h2, state.h3, state.h4, state.h5, state.h6, state.h7)
      withUnsafeMutableBytes(of: &words) { raw in
        csha256_blocks(
          raw.baseAddress!.assumingMemoryBound(to: UInt32.self), data.assumingMemoryBound(to: UInt8.self),
          blockCount)
      }
      state = State(
        h0: words.0, h1: words.1, h2: words.2, h3: words.3, h4: words.4, h5: words.5, h6: words.6,
        h7: words.7)
      return
    }
    roundConstants.withUnsafeBufferPointer { constants in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
        let k = constants.baseAddress!
        let w = schedule.baseAddress!
        var h0 = state.h0
        var h1 = state.h1
        var h2 = state.h2
        var h3 = state.h3
        var h4 = state.h4
        var h5 = state.h5
        var h6 = state.h6
        var h7 = state.h7
        var block = data
        for _ in 0..<blockCount {
          for i in 0..<16 {
            w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
          }
          for i in 16..<64 {
            let x = w[i &- 15]
            let y = w[i &- 2]
            let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
            let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
            w[i] = w[i &- 16] &+ s0 &+ w[i &- 7] &+ s1
          }
          var a = h0
          var b = h1
          var c = h2
          var d = h3
          var e = h4
          var f = h5
          var g = h6
          var h = h7
          for i in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let choice = g ^ (e & (f ^ g))
            let t1 = h &+ s1 &+ choice &+ k[i] &+ w[i]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let majority = (a & b) ^ (c & (a ^ b))
            h = g
            g = f
            f = e
            e = d &+ t1
            d = c
            c = b
            b = a
            a = t1 &+ s0 &+ majority
          }
          h0 &+= a
          h1 &+= b
          h2 &+= c
          h3 &+= d
          h4 &+= e
          h5 &+= f
          h6 &+= g
          h7 &+= h
          block += 64
        }
        state = State(h0: h0, h1: h1, h2: h2, h3: h3, h4: h4, h5: h5, h6: h6, h7: h7)
      }
    }
  }
}
