import CZlib
import CZstd

/// Incrementally decompresses zstd (one or more frames) or gzip (one or more members) data.
///
/// Owned by one task at a time (`~Copyable`, not `Sendable`). Feed compressed bytes with
/// `decompress(_:into:)`; decompressed bytes are appended to `output`. Call `finish()` after the
/// last input to detect truncated data. Checksums (zstd content checksum, gzip CRC-32) are verified.
public struct StreamingDecompressor: ~Copyable {
  private enum Backend {
    case zstd(OpaquePointer)
    case gzip(UnsafeMutablePointer<z_stream>)
  }

  public let compression: Compression
  private let backend: Backend
  private let scratch: UnsafeMutableBufferPointer<UInt8>
  /// True when the input so far ends exactly after a complete zstd frame or gzip member.
  private var atBoundary = false

  public init(_ compression: Compression) throws {
    let backend = try Self.makeBackend(compression)
    let scratchSize =
      switch compression {
      case .zstd: ZSTD_DStreamOutSize()
      case .gzip: CodecSupport.zlibScratchSize
      }
    self.compression = compression
    self.backend = backend
    self.scratch = CodecSupport.allocateScratch(scratchSize)
  }

  deinit {
    switch backend {
    case .zstd(let dctx):
      ZSTD_freeDCtx(dctx)
    case .gzip(let stream):
      inflateEnd(stream)
      CodecSupport.freeZStream(stream)
    }
    scratch.deallocate()
  }

  /// Decompresses `input`, appending all decompressed bytes it yields to `output`.
  public mutating func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
    switch backend {
    case .zstd(let dctx):
      try zstdStream(dctx, input, into: &output)
    case .gzip(let stream):
      try inflateStream(stream, input, into: &output)
    }
  }

  /// Decompresses `input`, appending all decompressed bytes it yields to `output`.
  public mutating func decompress(_ input: [UInt8], into output: inout [UInt8]) throws {
    try input.withUnsafeBytes { try decompress($0, into: &output) }
  }

  /// Throws if the data fed so far is empty or ends inside a frame/member (truncated input).
  public func finish() throws {
    guard atBoundary else {
      throw CompressionError("\(compression.rawValue) decompression failed: unexpected end of data")
    }
  }

  /// One-shot convenience: decompresses a complete `.zst` or `.gz` file's bytes.
  public static func decompressAll(_ data: [UInt8], _ compression: Compression) throws -> [UInt8] {
    var decompressor = try StreamingDecompressor(compression)
    var output: [UInt8] = []
    output.reserveCapacity(data.count * 4)
    try decompressor.decompress(data, into: &output)
    try decompressor.finish()
    return output
  }

  private static func makeBackend(_ compression: Compression) throws -> Backend {
    switch compression {
    case .zstd:
      guard let dctx = ZSTD_createDCtx() else {
        throw CompressionError("zstd decompression failed: cannot allocate context")
      }
      return .zstd(dctx)
    case .gzip:
      let stream = CodecSupport.allocateZStream()
      // windowBits 15 + 16: expect a gzip header and verify the CRC-32/ISIZE trailer.
      let ret = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
      guard ret == Z_OK else {
        let error = CodecSupport.zlibError(stream, ret, "gzip decompression")
        CodecSupport.freeZStream(stream)
        throw error
      }
      return .gzip(stream)
    }
  }

  private mutating func zstdStream(
    _ dctx: OpaquePointer, _ input: UnsafeRawBufferPointer, into output: inout [UInt8]
  ) throws {
    var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
    while true {
      let inStart = inBuffer.pos
      var outBuffer = ZSTD_outBuffer(dst: scratch.baseAddress, size: scratch.count, pos: 0)
      let hint = try CodecSupport.checkZstd(
        ZSTD_decompressStream(dctx, &outBuffer, &inBuffer), "zstd decompression")
      CodecSupport.append(scratch, count: outBuffer.pos, to: &output)
      // 0 means a frame was fully decoded and flushed; the next byte would start a new frame.
      if inBuffer.pos != inStart || outBuffer.pos != 0 {
        atBoundary = hint == 0
      }
      // A full output buffer may mean more decoded data is pending inside the context.
      if inBuffer.pos == inBuffer.size && outBuffer.pos < outBuffer.size { return }
    }
  }

  private mutating func inflateStream(
    _ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawBufferPointer,
    into output: inout [UInt8]
  ) throws {
    defer { CodecSupport.setInput(stream, UnsafeRawBufferPointer(start: nil, count: 0)) }
    var memberEnded = atBoundary
    defer { atBoundary = memberEnded }
    try CodecSupport.forEachZlibChunk(input) { chunk, _ in
      CodecSupport.setInput(stream, chunk)
      while true {
        if memberEnded {
          // Another gzip member follows (concatenated .gz files are valid gzip).
          if stream.pointee.avail_in == 0 { return }
          let ret = inflateReset(stream)
          guard ret == Z_OK else { throw CodecSupport.zlibError(stream, ret, "gzip decompression") }
          memberEnded = false
        }
        stream.pointee.next_out = scratch.baseAddress
        stream.pointee.avail_out = UInt32(scratch.count)
        let ret = inflate(stream, Z_NO_FLUSH)
        switch ret {
        case Z_STREAM_END:
          memberEnded = true
        case Z_OK:
          break
        case Z_BUF_ERROR where stream.pointee.avail_in == 0:
          break  // no progress possible without more input
        default:
          throw CodecSupport.zlibError(stream, ret, "gzip decompression")
        }
        CodecSupport.append(scratch, count: scratch.count - Int(stream.pointee.avail_out), to: &output)
        if !memberEnded && stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return }
      }
    }
  }
}
