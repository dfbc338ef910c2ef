import Crypto

/// Streaming SHA-256 for manifests (every stored byte is hashed once), on swift-crypto: BoringSSL's
/// SHA-256 with its SHA-NI, AVX2 and ARMv8 paths, so no crypto of our own to maintain
/// (docs/decisions/0003-sha256-in-hardware.md).
public struct SHA256: Sendable {
  private var hasher = Crypto.SHA256()

  /// Size of a digest in bytes.
  public static let digestSize = Crypto.SHA256.byteCount

  public init() {}

  /// Feeds `bytes` into the hash.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    hasher.update(bufferPointer: bytes)
  }

  /// Feeds `bytes` into the hash.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Returns the 32-byte digest of everything fed so far and resets the hasher to its initial state.
  public mutating func finalize() -> [UInt8] {
    let digest = hasher.finalize()
    hasher = Crypto.SHA256()
    return Array(digest)
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
}
