import CZlib
import CZstd

/// Incrementally compresses a byte stream into a single zstd frame or gzip member.
///
/// Owned by one task at a time (`~Copyable`, not `Sendable`). Feed input with `compress(_:into:)`,
/// then call `finish(into:)` once to write the zstd frame end or the gzip CRC trailer. Compressed
/// bytes are appended to the caller's `output` buffer, which the caller may drain at any time
/// (for example `output.removeAll(keepingCapacity: true)` after writing it to disk).
public struct StreamingCompressor: ~Copyable {
  private enum Backend {
    case zstd(OpaquePointer)
    case gzip(UnsafeMutablePointer<z_stream>)
  }

  public let compression: Compression
  public let level: Int
  private let backend: Backend
  private let scratch: UnsafeMutableBufferPointer<UInt8>
  private var finished = false

  /// Creates a compressor; throws `CompressionError` for a level outside `compression.validLevels`.
  public init(_ compression: Compression, level: Int) throws {
    try compression.validate(level: level)
    let backend = try Self.makeBackend(compression, level: level)
    let scratchSize =
      switch compression {
      case .zstd: ZSTD_CStreamOutSize()
      case .gzip: CodecSupport.zlibScratchSize
      }
    self.compression = compression
    self.level = level
    self.backend = backend
    self.scratch = CodecSupport.allocateScratch(scratchSize)
  }

  deinit {
    switch backend {
    case .zstd(let cctx):
      ZSTD_freeCCtx(cctx)
    case .gzip(let stream):
      deflateEnd(stream)
      CodecSupport.freeZStream(stream)
    }
    scratch.deallocate()
  }

  /// Compresses `input`, appending any compressed bytes that are ready to `output`.
  public mutating func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
    guard !finished else {
      throw CompressionError("\(compression.rawValue) compression failed: stream already finished")
    }
    switch backend {
    case .zstd(let cctx):
      try zstdStream(cctx, input, end: false, into: &output)
    case .gzip(let stream):
      try deflateStream(stream, input, flush: Z_NO_FLUSH, into: &output)
    }
  }

  /// Compresses `input`, appending any compressed bytes that are ready to `output`.
  public mutating func compress(_ input: [UInt8], into output: inout [UInt8]) throws {
    try input.withUnsafeBytes { try compress($0, into: &output) }
  }

  /// Flushes all buffered data and writes the frame end (zstd) or CRC trailer (gzip) to `output`.
  /// The compressor cannot be used again until `reset()`.
  public mutating func finish(into output: inout [UInt8]) throws {
    guard !finished else {
      throw CompressionError("\(compression.rawValue) compression failed: stream already finished")
    }
    finished = true
    switch backend {
    case .zstd(let cctx):
      try zstdStream(cctx, UnsafeRawBufferPointer(start: nil, count: 0), end: true, into: &output)
    case .gzip(let stream):
      try deflateStream(stream, UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, into: &output)
    }
  }

  /// Discards any unfinished stream and starts a new one with the same codec and level,
  /// reusing the allocated context.
  public mutating func reset() throws {
    switch backend {
    case .zstd(let cctx):
      try CodecSupport.checkZstd(
        ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only), "zstd compression reset")
    case .gzip(let stream):
      let ret = deflateReset(stream)
      guard ret == Z_OK else { throw CodecSupport.zlibError(stream, ret, "gzip compression reset") }
    }
    finished = false
  }

  /// One-shot convenience: compresses `data` into a complete zstd frame or gzip file.
  public static func compressAll(_ data: [UInt8], _ compression: Compression, level: Int) throws
    -> [UInt8]
  {
    var compressor = try StreamingCompressor(compression, level: level)
    var output: [UInt8] = []
    output.reserveCapacity(data.count / 4 + 64)
    try compressor.compress(data, into: &output)
    try compressor.finish(into: &output)
    return output
  }

  private static func makeBackend(_ compression: Compression, level: Int) throws -> Backend {
    switch compression {
    case .zstd:
      guard let cctx = ZSTD_createCCtx() else {
        throw CompressionError("zstd compression failed: cannot allocate context")
      }
      do {
        try configureZstd(cctx, level: level)
      } catch {
        ZSTD_freeCCtx(cctx)
        throw error
      }
      return .zstd(cctx)
    case .gzip:
      let stream = CodecSupport.allocateZStream()
      // windowBits 15 + 16: write a gzip header and CRC-32/ISIZE trailer instead of a zlib wrapper.
      let ret = deflateInit2_(
        stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
        Int32(MemoryLayout<z_stream>.size))
      guard ret == Z_OK else {
        let error = CodecSupport.zlibError(stream, ret, "gzip compression")
        CodecSupport.freeZStream(stream)
        throw error
      }
      return .gzip(stream)
    }
  }

  private static func configureZstd(_ cctx: OpaquePointer, level: Int) throws {
    try CodecSupport.checkZstd(
      ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Int32(level)), "zstd compression setup")
    try CodecSupport.checkZstd(
      ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1), "zstd compression setup")
  }

  private func zstdStream(
    _ cctx: OpaquePointer, _ input: UnsafeRawBufferPointer, end: Bool, into output: inout [UInt8]
  ) throws {
    var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
    let directive = end ? ZSTD_e_end : ZSTD_e_continue
    while true {
      var outBuffer = ZSTD_outBuffer(dst: scratch.baseAddress, size: scratch.count, pos: 0)
      let remaining = try CodecSupport.checkZstd(
        ZSTD_compressStream2(cctx, &outBuffer, &inBuffer, directive), "zstd compression")
      CodecSupport.append(scratch, count: outBuffer.pos, to: &output)
      // `continue` is done once all input is consumed (the rest stays buffered in the context);
      // `end` is done once the whole frame, including the checksum, has been flushed.
      if end ? remaining == 0 : inBuffer.pos == inBuffer.size { return }
    }
  }

  private func deflateStream(
    _ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawBufferPointer, flush: Int32,
    into output: inout [UInt8]
  ) throws {
    defer { CodecSupport.setInput(stream, UnsafeRawBufferPointer(start: nil, count: 0)) }
    try CodecSupport.forEachZlibChunk(input) { chunk, isLast in
      CodecSupport.setInput(stream, chunk)
      let mode = isLast ? flush : Z_NO_FLUSH
      while true {
        stream.pointee.next_out = scratch.baseAddress
        stream.pointee.avail_out = UInt32(scratch.count)
        let ret = deflate(stream, mode)
        let produced = scratch.count - Int(stream.pointee.avail_out)
        // Z_BUF_ERROR only means "no progress possible", which is expected once input runs out.
        guard ret == Z_OK || ret == Z_STREAM_END || (ret == Z_BUF_ERROR && mode != Z_FINISH) else {
          throw CodecSupport.zlibError(stream, ret, "gzip compression")
        }
        CodecSupport.append(scratch, count: produced, to: &output)
        if mode == Z_FINISH {
          if ret == Z_STREAM_END { return }
        } else if stream.pointee.avail_out != 0 {
          return
        }
      }
    }
  }
}
