/// Writes one partition's part files for one window: rolls to a new part past `maxPartBytes`,
/// and can close its open part early (``suspend()``) to give its codec memory back.
final class PartitionWriter {
  let directory: String
  let relativePath: String
  private let namePrefix: String
  private let settings: WriterSettings
  private var current: PartFile?
  private var finished: [ManifestFile] = []
  private var nextSequence = 0
  private var createdDirectory = false

  init(lakeRoot: String, relativePath: String, windowID: String, settings: WriterSettings) {
    self.relativePath = relativePath
    self.directory = "\(lakeRoot)/\(relativePath)"
    self.namePrefix = "part-\(windowID)-"
    self.settings = settings
  }

  var isOpen: Bool { current != nil }
  var rows: Int { finished.reduce(current?.rows ?? 0) { $0 + $1.rows } }

  func append(_ line: UnsafeRawBufferPointer, time: Int64?) throws(LakeError) {
    let part: PartFile
    if let current { part = current } else { part = try open() }
    try part.append(line, time: time)
    if part.approximateStoredBytes >= settings.maxPartBytes { try suspend() }
  }

  /// Finishes the open part, if any; the next line starts a new one.
  func suspend() throws(LakeError) {
    guard let part = current else { return }
    current = nil
    do {
      finished.append(try part.finish())
    } catch {
      part.discard()
      throw error
    }
  }

  private func open() throws(LakeError) -> PartFile {
    if !createdDirectory {
      try FileSystem.makeDirectories(directory)
      createdDirectory = true
    }
    let sequence = String(nextSequence)
    let name =
      namePrefix + String(repeating: "0", count: max(0, 5 - sequence.count)) + sequence
      + settings.compression.fileExtension
    nextSequence += 1
    let part = try PartFile(
      directory: directory, finalName: name, compression: settings.compression,
      level: settings.level, memory: settings.memory, maxPartBytes: settings.maxPartBytes,
      failureInjector: settings.failureInjector)
    current = part
    return part
  }

  /// Finishes every part and returns their entries (still under temporary names).
  func finishAll() throws(LakeError) -> [ManifestFile] {
    try suspend()
    return finished
  }

  /// Takes finished part files an earlier writer left under their temporary names (a resumed
  /// pass): they are committed, or discarded, with this writer's own.
  func adopt(_ files: [ManifestFile]) {
    finished = files + finished
    // New parts never take an adopted file's name (the same run id twice, as in tests).
    for file in files where file.path.hasPrefix(namePrefix) {
      let digits = file.path.dropFirst(namePrefix.count).prefix { $0.isNumber }
      if let sequence = Int(digits) { nextSequence = max(nextSequence, sequence + 1) }
    }
  }

  /// Forgets the files of a committed partition, so ``discard()`` leaves them alone.
  func markCommitted() {
    current = nil
    finished = []
  }

  /// Deletes every temporary file this writer made.
  func discard() {
    current?.discard()
    current = nil
    for file in finished {
      try? FileSystem.remove("\(directory)/\(CommitMode.stagingName(for: file.path))")
    }
    finished = []
    // A folder this writer created for a day that was never committed goes too (rmdir removes
    // only an empty folder: a committed partition keeps at least its manifest).
    FileSystem.removeEmptyDirectory(directory)
  }
}

/// How part files are written.
public struct WriterSettings: Sendable {
  public var compression: Compression
  public var level: Int
  /// A part is closed and a new one started once this many compressed bytes are written.
  public var maxPartBytes: Int
  /// At most this many parts of one window are open at once; the least recently used is closed.
  public var maxOpenParts: Int
  public var failureInjector: FailureInjector?
  /// Checked right before each partition commit (the run's lease); nil: none.
  public var fence: CommitFence?
  /// The frame budget and compression contexts zstd parts share (one per run).
  public var memory: PartMemory

  public init(
    compression: Compression = .zstd, level: Int? = nil, maxPartBytes: Int = 256 << 20,
    maxOpenParts: Int = 3, failureInjector: FailureInjector? = nil, fence: CommitFence? = nil,
    memory: PartMemory = PartMemory()
  ) {
    self.fence = fence
    self.memory = memory
    self.compression = compression
    self.level = level ?? compression.defaultLevel
    self.maxPartBytes = maxPartBytes
    self.maxOpenParts = maxOpenParts
    self.failureInjector = failureInjector
  }
}
