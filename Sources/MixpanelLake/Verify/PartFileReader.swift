import Glibc
import Lake
import NDJSON

/// What reading one part file found: the stored file's size and hash, and its content's lines
/// and size (nil when it did not decompress).
struct PartFileFacts: Sendable, Equatable {
  var bytes: Int
  var sha256: String
  var rows: Int?
  var uncompressedBytes: Int?
  /// Why decompression (or line framing) failed.
  var contentError: String?
}

/// Reads a part file once, in fixed-size chunks: hashes the stored bytes, decompresses them
/// into a buffer that is drained after every chunk, and counts (and optionally hands out) lines.
///
/// ```
///  file ─► 64 KiB chunk ─┬─► SHA-256
///                        └─► decompressor ─► output (drained) ─► newline count, LineFramer ─► onLine
/// ```
///
/// Memory is one chunk, one chunk's decompressed output and the longest line, whatever the
/// file's size.
enum PartFileReader {
  static let chunkBytes = 64 << 10

  static func read(
    path: String, compression: Compression, onLine: ((UnsafeRawBufferPointer) -> Void)?
  ) throws(LakeError) -> PartFileFacts {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .io("read", path: path, errno: errno) }
    defer { close(fd) }
    var hasher = SHA256()
    var decompressor: StreamingDecompressor
    do {
      decompressor = try StreamingDecompressor(compression)
    } catch {
      throw .usage("cannot read \(path): \(error)")
    }
    var contentError: String?
    var framer = LineFramer()
    var chunk = [UInt8](repeating: 0, count: chunkBytes)
    var output: [UInt8] = []
    output.reserveCapacity(chunkBytes * 8)
    var stored = 0
    var newlines = 0
    var uncompressed = 0
    var lastByte: UInt8 = 0x0A
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .io("read", path: path, errno: errno)
      }
      if count == 0 { break }
      stored += count
      chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
      guard contentError == nil else { continue }
      do {
        try chunk.withUnsafeBytes {
          try decompressor.decompress(UnsafeRawBufferPointer(rebasing: $0[0..<count]), into: &output)
        }
        uncompressed += output.count
        for byte in output where byte == 0x0A { newlines += 1 }
        if let last = output.last { lastByte = last }
        if let onLine { try framer.feed(output) { onLine($0) } }
      } catch {
        contentError = "\(error)"
      }
      output.removeAll(keepingCapacity: true)
    }
    if contentError == nil {
      do {
        try decompressor.finish()
        if let onLine { try framer.finish { onLine($0) } }
      } catch {
        contentError = "\(error)"
      }
    }
    let ok = contentError == nil
    return PartFileFacts(
      bytes: stored, sha256: SHA256.hex(hasher.finalize()),
      rows: ok ? newlines + (lastByte == 0x0A ? 0 : 1) : nil, uncompressedBytes: ok ? uncompressed : nil,
      contentError: contentError)
  }

  /// Hands out a part file's lines in order while `onLine` returns true, and reads no further
  /// (a few more lines of the same chunk may be decoded, not handed out); neither hashes nor
  /// counts: a sample of a part that may hold millions of lines.
  static func readLines(
    path: String, compression: Compression, while onLine: (UnsafeRawBufferPointer) -> Bool
  ) throws(LakeError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .io("read", path: path, errno: errno) }
    defer { close(fd) }
    var framer = LineFramer()
    var chunk = [UInt8](repeating: 0, count: chunkBytes)
    var output: [UInt8] = []
    var wanted = true
    do {
      var decompressor = try StreamingDecompressor(compression)
      while wanted {
        let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
        if count < 0 {
          if errno == EINTR { continue }
          throw LakeError.io("read", path: path, errno: errno)
        }
        if count == 0 {
          try decompressor.finish()
          try framer.finish { if wanted { wanted = onLine($0) } }
          break
        }
        try chunk.withUnsafeBytes {
          try decompressor.decompress(UnsafeRawBufferPointer(rebasing: $0[0..<count]), into: &output)
        }
        try framer.feed(output) { if wanted { wanted = onLine($0) } }
        output.removeAll(keepingCapacity: true)
      }
    } catch let error as LakeError {
      throw error
    } catch {
      throw .usage("cannot read \(path): \(error)")
    }
  }
}
