/// One part file being written: lines in, compressed bytes out to a hidden temporary file,
/// with the counts and hash its manifest entry needs.
///
/// ```
///  append(line) ─► staging (64 KiB) ─► compressor ─► output (128 KiB) ─► FileSink + SHA-256
/// ```
///
/// Memory per open part: the two buffers plus the codec's context (about 1–3 MiB for zstd).
final class PartFile {
  static let stagingBytes = 64 << 10
  static let outputFlushBytes = 128 << 10

  let temporaryPath: String
  let finalName: String
  private let sink: FileSink
  private var compressor: StreamingCompressor
  private var hasher = SHA256()
  private var staging: [UInt8] = []
  private var output: [UInt8] = []
  private(set) var rows = 0
  private(set) var uncompressedBytes = 0
  private(set) var storedBytes = 0
  private(set) var minTime: Int64?
  private(set) var maxTime: Int64?

  init(
    directory: String, finalName: String, compression: Compression, level: Int,
    failureInjector: FailureInjector?
  ) throws(LakeError) {
    self.finalName = finalName
    self.temporaryPath = "\(directory)/\(CommitMode.stagingName(for: finalName))"
    do {
      self.compressor = try StreamingCompressor(compression, level: level)
    } catch {
      throw .usage("\(error)")
    }
    self.sink = try FileSink(creating: temporaryPath, failureInjector: failureInjector)
    staging.reserveCapacity(Self.stagingBytes + 4096)
    output.reserveCapacity(Self.outputFlushBytes * 2)
  }

  /// Compressed bytes so far, including what waits in buffers once compressed (an estimate
  /// good enough for rolling).
  var approximateStoredBytes: Int { storedBytes + output.count }

  func append(_ line: UnsafeRawBufferPointer, time: Int64?) throws(LakeError) {
    staging.append(contentsOf: line)
    staging.append(0x0A)
    rows += 1
    uncompressedBytes += line.count + 1
    if let time {
      if minTime.map({ time < $0 }) ?? true { minTime = time }
      if maxTime.map({ time > $0 }) ?? true { maxTime = time }
    }
    if staging.count >= Self.stagingBytes { try compressStaging() }
  }

  private func compressStaging() throws(LakeError) {
    do {
      try staging.withUnsafeBytes { try compressor.compress($0, into: &output) }
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

  /// Ends the compressed stream, fsyncs and closes the file; returns its manifest entry.
  func finish() throws(LakeError) -> ManifestFile {
    try compressStaging()
    do {
      try compressor.finish(into: &output)
    } catch {
      throw .usage("finishing \(finalName): \(error)")
    }
    try flushOutput()
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
    try? sink.close()
    try? FileSystem.remove(temporaryPath)
  }
}
