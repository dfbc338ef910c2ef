import CalendarDay
import Lake

/// Checks one partition folder against its `_manifest.json` (design.md §3, commit protocol):
/// every listed file exists with the listed size, SHA-256, line count and decompressed size;
/// the manifest's totals add up; nothing else but hidden temporaries lies in the folder.
struct PartitionVerifier {
  let lake: String

  struct Outcome {
    var problems: [VerifyProblem] = []
    var files = 0
    var rows = 0
    /// False when the partition had no manifest.
    var committed = true
    /// True when every listed file read back as its manifest says.
    var intact = true
  }

  /// Checks `partition`; hands every line to `onLine` when given (export day partitions).
  func verify(
    _ partition: LakePartition, onLine: ((UnsafeRawBufferPointer) -> Void)?
  ) throws(LakeError) -> Outcome {
    var outcome = Outcome()
    let folder = "\(lake)/\(partition.relativePath)"
    let entries = try FileSystem.list(folder).filter {
      !LakePartitions.isHidden($0) && !FileSystem.isDirectory("\(folder)/\($0)")
    }
    let manifest: Manifest?
    do {
      manifest = try ManifestStore.read(directory: folder)
    } catch {
      outcome.problems.append(
        VerifyProblem(.error, .badManifest, at: "\(partition.relativePath)/\(Manifest.fileName)", "\(error)"))
      outcome.intact = false
      return outcome
    }
    guard let manifest else {
      outcome.committed = false
      outcome.intact = false
      if !entries.isEmpty {
        outcome.problems.append(
          VerifyProblem(
            .error, .missingManifest, at: partition.relativePath,
            "\(entries.count) file(s) but no \(Manifest.fileName): never committed; run the export again for it"
          ))
      }
      return outcome
    }
    outcome.problems += Self.selfConsistency(manifest, partition: partition)
    let listed = Set(manifest.files.map(\.path))
    for name in entries where !listed.contains(name) {
      outcome.problems.append(
        VerifyProblem(
          .error, .strayFile, at: "\(partition.relativePath)/\(name)",
          "not listed in \(Manifest.fileName); readers of the manifest ignore it, delete it or re-export the day"
        ))
    }
    let fallback = Compression(rawValue: manifest.compression) ?? .zstd
    for file in manifest.files {
      outcome.files += 1
      let location = "\(partition.relativePath)/\(file.path)"
      let path = "\(folder)/\(file.path)"
      guard FileSystem.exists(path) else {
        outcome.intact = false
        outcome.problems.append(
          VerifyProblem(.error, .missingFile, at: location, "listed in the manifest but not on disk"))
        continue
      }
      let compression: Compression =
        file.path.hasSuffix(Compression.gzip.fileExtension)
        ? .gzip : file.path.hasSuffix(Compression.zstd.fileExtension) ? .zstd : fallback
      let facts = try PartFileReader.read(path: path, compression: compression, onLine: onLine)
      let found = Self.compare(facts, file, location: location)
      if !found.isEmpty { outcome.intact = false }
      outcome.problems += found
      outcome.rows += facts.rows ?? 0
    }
    return outcome
  }

  /// Differences between what a file holds and what its manifest entry says.
  static func compare(_ facts: PartFileFacts, _ file: ManifestFile, location: String) -> [VerifyProblem] {
    var problems: [VerifyProblem] = []
    if facts.bytes != file.bytes {
      problems.append(
        VerifyProblem(
          .error, .sizeMismatch, at: location, "\(facts.bytes) bytes on disk, manifest says \(file.bytes)"))
    }
    if facts.sha256 != file.sha256 {
      problems.append(
        VerifyProblem(
          .error, .checksumMismatch, at: location, "sha256 \(facts.sha256) differs from the manifest's"))
    }
    if let error = facts.contentError {
      problems.append(VerifyProblem(.error, .undecompressable, at: location, "does not decompress: \(error)"))
    }
    if let rows = facts.rows, rows != file.rows {
      problems.append(
        VerifyProblem(.error, .rowMismatch, at: location, "\(rows) lines, manifest says \(file.rows)"))
    }
    if let bytes = facts.uncompressedBytes, bytes != file.uncompressedBytes {
      problems.append(
        VerifyProblem(
          .error, .uncompressedSizeMismatch, at: location,
          "\(bytes) bytes decompressed, manifest says \(file.uncompressedBytes)"))
    }
    return problems
  }

  /// A manifest whose totals or partition name disagree with its own file list or its folder.
  static func selfConsistency(_ manifest: Manifest, partition: LakePartition) -> [VerifyProblem] {
    let location = "\(partition.relativePath)/\(Manifest.fileName)"
    var problems: [VerifyProblem] = []
    if manifest.partition != partition.relativePath {
      problems.append(
        VerifyProblem(
          .error, .badManifest, at: location,
          "names partition \(manifest.partition) but lies in \(partition.relativePath)"))
    }
    let totals = [
      ("rows", manifest.rows, manifest.files.reduce(0) { $0 + $1.rows }),
      ("bytes", manifest.bytes, manifest.files.reduce(0) { $0 + $1.bytes }),
      (
        "uncompressed_bytes", manifest.uncompressedBytes,
        manifest.files.reduce(0) { $0 + $1.uncompressedBytes }
      ),
    ]
    for (key, total, sum) in totals where total != sum {
      problems.append(
        VerifyProblem(.error, .badManifest, at: location, "\(key) is \(total) but its files add up to \(sum)")
      )
    }
    return problems
  }
}
