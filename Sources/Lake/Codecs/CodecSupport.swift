import CZlib
import CZstd

/// Shared helpers for the zstd and zlib bindings used by the streaming codecs.
enum CodecSupport {
  /// zlib counts bytes in `UInt32`; larger inputs are fed in slices of this size.
  static let maxZlibChunk = 1 << 30

  /// Scratch buffer size for gzip output (compressed or decompressed).
  static let zlibScratchSize = 128 * 1024

  static func allocateScratch(_ count: Int) -> UnsafeMutableBufferPointer<UInt8> {
    UnsafeMutableBufferPointer<UInt8>.allocate(capacity: count)
  }

  /// Throws when `code` is a zstd error code; returns it unchanged otherwise.
  @inline(__always)
  @discardableResult
  static func checkZstd(_ code: Int, _ operation: String) throws -> Int {
    if ZSTD_isError(code) != 0 {
      throw CompressionError("\(operation) failed: \(String(cString: ZSTD_getErrorName(code)))")
    }
    return code
  }

  static func zlibError(_ stream: UnsafeMutablePointer<z_stream>, _ code: Int32, _ operation: String)
    -> CompressionError
  {
    let detail: String
    if let msg = stream.pointee.msg {
      detail = String(cString: msg)
    } else if let name = zError(code) {
      detail = String(cString: name)
    } else {
      detail = "code \(code)"
    }
    return CompressionError("\(operation) failed: \(detail) (zlib \(code))")
  }

  /// Allocates a zeroed `z_stream` at a stable heap address.
  static func allocateZStream() -> UnsafeMutablePointer<z_stream> {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    return stream
  }

  static func freeZStream(_ stream: UnsafeMutablePointer<z_stream>) {
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  /// Points the stream's input at `chunk` (which zlib never writes through).
  @inline(__always)
  static func setInput(_ stream: UnsafeMutablePointer<z_stream>, _ chunk: UnsafeRawBufferPointer) {
    stream.pointee.next_in = chunk.baseAddress.map {
      UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
    }
    stream.pointee.avail_in = UInt32(chunk.count)
  }

  /// Calls `body` with consecutive slices of `input` of at most `maxZlibChunk` bytes (once if empty).
  @inline(__always)
  static func forEachZlibChunk(
    _ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, _ isLast: Bool) throws -> Void
  ) rethrows {
    var offset = 0
    repeat {
      let count = min(input.count - offset, maxZlibChunk)
      let end = offset + count
      try body(UnsafeRawBufferPointer(rebasing: input[offset..<end]), end == input.count)
      offset = end
    } while offset < input.count
  }

  @inline(__always)
  static func append(
    _ scratch: UnsafeMutableBufferPointer<UInt8>, count: Int, to output: inout [UInt8]
  ) {
    if count > 0 {
      output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<count]))
    }
  }
}
