/// One part file being written: lines in, compressed bytes out to a hidden temporary file,
/// with the counts and hash its manifest entry needs.
///
/// ```
///  zstd: append(line) ─► frame buffer (≤ 1 MiB, reserved from PartMemory) ─► one zstd frame
///                          (a pooled context) ─► FileSink + SHA-256
///  gzip: append(line) ─► staging (64 KiB) ─► one deflate stream ─► output (128 KiB) ─► FileSink + SHA-256
/// ```
///
/// Memory per open part: for zstd, its frame buffer, counted in the run's ``PartMemory``
/// budget (the contexts are shared); for gzip, the two buffers and a deflate state of about
/// 256 KiB.
final class PartFile {
  static let stagingBytes = 64 << 10
  static let outputFlushBytes = 128 << 10

  let temporaryPath: String
  let finalName: String
  private let sink: FileSink
  private let level: Int
  /// gzip: one deflate stream for the whole part.
  private var compressor: StreamingCompressor?
  /// zstd: the budget frames are reserved from, and the pool that compresses them.
  private let memory: PartMemory?
  /// Bytes of ``memory`` this part holds for its frame buffer.
  private var reserved = 0
  /// A frame is compressed at this many bytes: a frame of the budget, or less where parts are
  /// small (`max_part_bytes`), so a part overshoots its limit by one small frame at most.
  private let frameLimit: Int
  private var hasher = SHA256()
  private var staging: [UInt8] = []
  private var output: [UInt8] = []
  private(set) var rows = 0
  private(set) var uncompressedBytes = 0
  private(set) var storedBytes = 0
  private(set) var minTime: Int64?
  private(set) var maxTime: Int64?
  /// zstd frames written (an empty part still gets one).
  private var frames = 0

  init(
    directory: String, finalName: String, compression: Compression, level: Int, memory: PartMemory,
    maxPartBytes: Int, failureInjector: FailureInjector?
  ) throws(LakeError) {
    self.finalName = finalName
    self.frameLimit = min(memory.frameBytes, max(PartMemory.floorBytes, maxPartBytes))
    self.level = level
    self.temporaryPath = "\(directory)/\(CommitMode.stagingName(for: finalName))"
    do {
      try compression.validate(level: level)
      switch compression {
      case .zstd:
        self.memory = memory
      case .gzip:
        self.memory = nil
        self.compressor = try StreamingCompressor(compression, level: level)
      }
    } catch {
      throw .usage("\(error)")
    }
    self.sink = try FileSink(creating: temporaryPath, failureInjector: failureInjector)
    if self.memory == nil {
      staging.reserveCapacity(Self.stagingBytes + 4096)
      output.reserveCapacity(Self.outputFlushBytes * 2)
    }
  }

  deinit {
    memory?.release(reserved)
  }

  /// Compressed bytes so far, including what waits in buffers once compressed (an estimate
  /// good enough for rolling).
  var approximateStoredBytes: Int { storedBytes + output.count }

  func append(_ line: UnsafeRawBufferPointer, time: Int64?) throws(LakeError) {
    if let memory, staging.count + line.count + 1 > reserved {
      try makeRoom(line.count + 1, memory)
    }
    staging.append(contentsOf: line)
    staging.append(0x0A)
    rows += 1
    uncompressedBytes += line.count + 1
    if let time {
      if minTime.map({ time < $0 }) ?? true { minTime = time }
      if maxTime.map({ time > $0 }) ?? true { maxTime = time }
    }
    if memory == nil, staging.count >= Self.stagingBytes { try compressStaging() }
  }

  /// Makes room for `need` more bytes in the frame buffer: grows it (doubling, up to one frame)
  /// while the budget allows, otherwise compresses the frame so far and starts the next.
  private func makeRoom(_ need: Int, _ memory: PartMemory) throws(LakeError) {
    let wanted = staging.count + need
    var pressed = false
    if wanted <= frameLimit {
      var target = max(reserved * 2, PartMemory.floorBytes)
      while target < wanted { target *= 2 }
      target = min(target, frameLimit)
      if memory.tryReserve(target - reserved) {
        reserved = target
        staging.reserveCapacity(target)
        return
      }
      pressed = true
    }
    if !staging.isEmpty {
      if pressed { memory.notePressureFrame() }
      try compressFrame(memory)
    }
    // Between frames: under pressure give back all but the floor; never keep more than a frame.
    let keep = pressed ? PartMemory.floorBytes : min(reserved, frameLimit)
    if reserved > keep {
      memory.release(reserved - keep)
      reserved = keep
      staging = []
      staging.reserveCapacity(keep)
    }
    // The floor, or one line bigger than a frame, is granted whatever the budget says.
    let floor = max(PartMemory.floorBytes, need)
    if reserved < floor {
      memory.forceReserve(floor - reserved)
      reserved = floor
      staging.reserveCapacity(floor)
    }
  }

  private func compressFrame(_ memory: PartMemory) throws(LakeError) {
    var failure: LakeError?
    do {
      try staging.withUnsafeBytes { input in
        try memory.encoder.compressFrame(input, level: level) { frame in
          do throws(LakeError) {
            try sink.write(frame)
            hasher.update(frame)
            storedBytes += frame.count
          } catch {
            failure = error
          }
        }
      }
    } catch {
      throw .usage("compressing \(finalName): \(error)")
    }
    if let failure { throw failure }
    frames += 1
    staging.removeAll(keepingCapacity: true)
  }

  private func compressStaging() throws(LakeError) {
    do {
      try staging.withUnsafeBytes { try compressor!.compress($0, into: &output) }
    } catch {
      throw .usage("compressing \(finalName): \(error)")
    }
    staging.removeAll(keepingCapacity: true)
    if output.count >= Self.outputFlushBytes { try flushOutput() }
  }

  private func flushOutput() throws(LakeError) {
    guard !output.isEmpty else { return }
    try sink.write(output)
    output.withUnsafeBytes { hasher.update($0) }
    storedBytes += output.count
    output.removeAll(keepingCapacity: true)
  }

  /// Ends the compressed data, fsyncs and closes the file; returns its manifest entry.
  func finish() throws(LakeError) -> ManifestFile {
    if let memory {
      // An empty part (no line) is still one valid, empty frame.
      if !staging.isEmpty || frames == 0 { try compressFrame(memory) }
      memory.release(reserved)
      reserved = 0
    } else {
      try compressStaging()
      do {
        try compressor!.finish(into: &output)
      } catch {
        throw .usage("finishing \(finalName): \(error)")
      }
      try flushOutput()
    }
    try sink.sync()
    try sink.close()
    staging = []
    output = []
    return ManifestFile(
      path: finalName, rows: rows, bytes: storedBytes, uncompressedBytes: uncompressedBytes,
      sha256: SHA256.hex(hasher.finalize()), minTime: minTime.map(Timestamp.iso8601),
      maxTime: maxTime.map(Timestamp.iso8601))
  }

  /// Closes and deletes the temporary file (a failed window).
  func discard() {
    memory?.release(reserved)
    reserved = 0
    staging = []
    try? sink.close()
    try? FileSystem.remove(temporaryPath)
  }
}
