import CZlib
import NIOCore

/// Streaming gzip (deflate with a gzip wrapper) used on one channel's event loop.
final class GzipCompressor {
  private let stream: UnsafeMutablePointer<z_stream>
  private var finished = false

  init(level: Int32) {
    self.stream = .allocate(capacity: 1)
    self.stream.initialize(to: z_stream())
    let status = deflateInit2_(
      self.stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
      Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK, "deflateInit2 failed: \(status)")
  }

  deinit {
    deflateEnd(self.stream)
    self.stream.deinitialize(count: 1)
    self.stream.deallocate()
  }

  /// Compresses `input`. `flush` is `Z_NO_FLUSH`, `Z_SYNC_FLUSH` or `Z_FINISH`.
  func compress(_ input: ByteBuffer, flush: Int32, allocator: ByteBufferAllocator) -> ByteBuffer {
    precondition(!self.finished)
    var output = allocator.buffer(capacity: Int(deflateBound(self.stream, UInt(input.readableBytes))) + 64)
    input.withUnsafeReadableBytes { inputBytes in
      let base = inputBytes.baseAddress.map {
        UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self))
      }
      self.stream.pointee.next_in = base
      self.stream.pointee.avail_in = UInt32(inputBytes.count)
      repeat {
        var status: Int32 = Z_OK
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: 4_096) { outBytes in
          self.stream.pointee.next_out = outBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
          self.stream.pointee.avail_out = UInt32(outBytes.count)
          status = deflate(self.stream, flush)
          return outBytes.count - Int(self.stream.pointee.avail_out)
        }
        if status == Z_STREAM_END { break }
        precondition(status == Z_OK || status == Z_BUF_ERROR, "deflate failed: \(status)")
      } while self.stream.pointee.avail_out == 0
      self.stream.pointee.next_in = nil
    }
    if flush == Z_FINISH { self.finished = true }
    return output
  }
}
