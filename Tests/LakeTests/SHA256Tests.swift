import Foundation
import MixpanelFake
import Testing

@testable import Lake

@Suite struct SHA256Tests {
  static func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

  static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
  }

  static func systemSHA256(_ data: [UInt8]) throws -> String {
    let tool = try CodecTests.ToolRunner()
    defer { tool.cleanUp() }
    let path = try tool.write(data, name: "data.bin")
    let output = String(decoding: try tool.run("/usr/bin/sha256sum", [path]), as: UTF8.self)
    return String(output.prefix(64))
  }

  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
    (
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
    ),
  ])
  func standardVectors(_ input: String, _ expected: String) {
    #expect(SHA256.hash(Self.bytes(input)) == expected)
  }

  @Test func oneMillionA() {
    let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == expected)
    var hasher = SHA256()
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { hasher.update(chunk) }
    #expect(SHA256.hex(hasher.finalize()) == expected)
  }

  @Test func digestShapeAndHex() {
    var hasher = SHA256()
    hasher.update(Self.bytes("abc"))
    let digest = hasher.finalize()
    #expect(digest.count == 32)
    #expect(digest.prefix(4) == [0xba, 0x78, 0x16, 0xbf])
    #expect(SHA256.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    #expect(SHA256.hex([]) == "")
    // finalize resets the hasher to a fresh state.
    #expect(SHA256.hex(hasher.finalize()) == SHA256.hash([]))
  }

  @Test func incrementalOddChunksMatchOneShot() {
    let data = Self.randomBytes(300_000, seed: 9)
    let expected = SHA256.hash(data)
    for pattern in [[1], [7], [63, 1, 65], [64], [3, 61, 128, 5], [4096, 1, 13, 65536]] {
      var hasher = SHA256()
      var offset = 0
      var step = 0
      data.withUnsafeBytes { buffer in
        while offset < buffer.count {
          let size = min(pattern[step % pattern.count], buffer.count - offset)
          hasher.update(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + size]))
          offset += size
          step += 1
        }
      }
      hasher.update(UnsafeRawBufferPointer(start: nil, count: 0))
      #expect(SHA256.hex(hasher.finalize()) == expected, "pattern \(pattern)")
    }
  }

  @Test func paddingBoundariesMatchSystemBinary() throws {
    let data = Self.randomBytes(200, seed: 4)
    for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 200] {
      let slice = Array(data.prefix(length))
      #expect(SHA256.hash(slice) == (try Self.systemSHA256(slice)), "length \(length)")
    }
  }

  @Test func randomMegabyteMatchesSystemBinary() throws {
    let data = Self.randomBytes(1 << 20, seed: 2024)
    #expect(SHA256.hash(data) == (try Self.systemSHA256(data)))
  }

  /// Every length around the block and padding boundaries, and large inputs, fed in odd pieces,
  /// agree with `sha256sum` (the oracle the SHA-NI and Swift paths were checked against before
  /// hashing moved to swift-crypto).
  @Test func oddPiecesAtBoundariesMatchSystemBinary() throws {
    let data = Self.randomBytes(1 << 18, seed: 77)
    for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 4096, 65_537, 1 << 18] {
      var hasher = SHA256()
      data.withUnsafeBytes { buffer in
        var offset = 0
        for size in [3, 64, 200, 4096].cycled(until: length) {
          hasher.update(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + size]))
          offset += size
        }
      }
      #expect(
        SHA256.hex(hasher.finalize()) == (try Self.systemSHA256(Array(data.prefix(length)))),
        "length \(length)")
    }
  }
}

extension Array where Element == Int {
  /// Piece sizes taken from `self` in turn, the last one cut so they sum to `total`.
  fileprivate func cycled(until total: Int) -> [Int] {
    var pieces: [Int] = []
    var sum = 0
    var index = 0
    while sum < total {
      let size = Swift.min(self[index % count], total - sum)
      pieces.append(size)
      sum += size
      index += 1
    }
    return pieces
  }
}
