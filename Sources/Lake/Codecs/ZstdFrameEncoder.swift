import CZstd
import Synchronization

/// Compresses whole buffers into independent zstd frames with contexts taken from a small shared
/// pool, so the number of contexts follows the number of threads compressing at once (the
/// cooperative pool's width: one per core), not the number of parts open.
///
/// A file of concatenated frames is one valid `.zst` stream: `zstd -d`, DuckDB and Spark read it
/// whole. Frames of 1 MiB compress about as well as one stream of the whole part (measured on the
/// fake's events; Benchmarks/README.md).
public final class ZstdFrameEncoder: Sendable {
  /// One compression context and the output buffer sized for a frame: about 1–2 MiB together.
  private final class Context: @unchecked Sendable {
    // Used by one thread at a time: taken from the pool, given back after one frame.
    let cctx: OpaquePointer
    var output: UnsafeMutableRawBufferPointer

    init(cctx: OpaquePointer, capacity: Int) {
      self.cctx = cctx
      self.output = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
      ZSTD_freeCCtx(cctx)
      output.deallocate()
    }
  }

  /// Contexts kept between frames (more are made while more threads compress at once, then freed).
  public let maxPooled: Int
  /// A context whose output buffer grew past this (a frame made of one huge line) is freed
  /// rather than kept.
  private let keptOutputBytes: Int
  private let pool = Mutex<[Context]>([])

  public init(maxPooled: Int, typicalFrameBytes: Int) {
    self.maxPooled = max(1, maxPooled)
    self.keptOutputBytes = ZSTD_compressBound(typicalFrameBytes) + 64
  }

  /// Compresses `input` into one complete frame (with a content checksum) and hands the
  /// compressed bytes to `body` before the context goes back to the pool.
  public func compressFrame<R>(
    _ input: UnsafeRawBufferPointer, level: Int, _ body: (UnsafeRawBufferPointer) throws -> R
  ) throws -> R {
    let context = try take(bound: ZSTD_compressBound(input.count) + 64)
    defer { giveBack(context) }
    let cctx = context.cctx
    try CodecSupport.checkZstd(
      ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Int32(level)), "zstd compression setup")
    try CodecSupport.checkZstd(
      ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1), "zstd compression setup")
    try CodecSupport.checkZstd(
      ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only), "zstd compression reset")
    // Fed as a stream of unknown size, not in one call: told the size, zstd picks its small-input
    // parameters for frames under 256 KiB, which compress these JSON lines about 5 % worse (a
    // day of 250 kB: 38,260 B against 36,240 B), and a day's part is often that small.
    var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
    var outBuffer = ZSTD_outBuffer(dst: context.output.baseAddress, size: context.output.count, pos: 0)
    while inBuffer.pos < inBuffer.size {
      guard outBuffer.pos < outBuffer.size else {
        throw CompressionError("zstd compression failed: frame larger than its bound")
      }
      try CodecSupport.checkZstd(
        ZSTD_compressStream2(cctx, &outBuffer, &inBuffer, ZSTD_e_continue), "zstd compression")
    }
    while try CodecSupport.checkZstd(
      ZSTD_compressStream2(cctx, &outBuffer, &inBuffer, ZSTD_e_end), "zstd compression") != 0
    {
      guard outBuffer.pos < outBuffer.size else {
        throw CompressionError("zstd compression failed: frame larger than its bound")
      }
    }
    return try body(UnsafeRawBufferPointer(rebasing: context.output[0..<outBuffer.pos]))
  }

  private func take(bound: Int) throws -> Context {
    let pooled = pool.withLock { $0.popLast() }
    if let pooled {
      if pooled.output.count >= bound { return pooled }
      pooled.output.deallocate()
      pooled.output = .allocate(byteCount: bound, alignment: 16)
      return pooled
    }
    guard let cctx = ZSTD_createCCtx() else {
      throw CompressionError("zstd compression failed: cannot allocate context")
    }
    return Context(cctx: cctx, capacity: bound)
  }

  private func giveBack(_ context: Context) {
    pool.withLock { contexts in
      if contexts.count < maxPooled, context.output.count <= keptOutputBytes { contexts.append(context) }
    }
  }
}
