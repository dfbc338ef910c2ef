import Lake

/// A private, temporary lake the tap commits windows and tables into before it emits them: a
/// window's records reach stdout only once the whole window was read, validated and committed
/// here, so a retried or split window never emits a record twice. Disk, not memory, holds a big
/// window; each partition is deleted as soon as its records were emitted.
struct SingerSpool {
  let root: String
  let compression: Compression

  /// Calls `onLine` for every committed line of the partition folder `relative` (in manifest
  /// order); a partition without a manifest has no lines.
  func forEachLine(_ relative: String, _ onLine: (UnsafeRawBufferPointer) throws -> Void) throws {
    let directory = "\(root)/\(relative)"
    guard let manifest = try ManifestStore.read(directory: directory) else { return }
    for file in manifest.files {
      var failure: (any Error)?
      let facts = try withoutActuallyEscaping(onLine) { onLine in
        try PartFileReader.read(path: "\(directory)/\(file.path)", compression: compression) { line in
          guard failure == nil else { return }
          do {
            try onLine(line)
          } catch {
            failure = error
          }
        }
      }
      if let failure { throw failure }
      if let problem = facts.contentError {
        throw LakeError.corrupt("\(directory)/\(file.path)", problem, fix: "run the tap again")
      }
    }
  }

  /// Deletes a partition folder's committed files and manifest, then the folder if empty.
  func remove(_ relative: String) {
    let directory = "\(root)/\(relative)"
    for name in (try? FileSystem.list(directory)) ?? [] {
      try? FileSystem.remove("\(directory)/\(name)")
    }
    FileSystem.removeEmptyDirectory(directory)
  }

  /// Removes the whole spool (what is left of it after an error or a cancellation).
  func removeAll() {
    Self.removeTree(root)
  }

  private static func removeTree(_ path: String) {
    if FileSystem.isDirectory(path) {
      for name in (try? FileSystem.list(path)) ?? [] { removeTree("\(path)/\(name)") }
      FileSystem.removeEmptyDirectory(path)
    } else {
      try? FileSystem.remove(path)
    }
  }

  /// Emits the records of `partitions`: first shows `schema` every record (sending a SCHEMA
  /// message when a column was added or became a string column), then writes one RECORD per
  /// line; returns the rows emitted.
  func emit(
    _ partitions: [String], schema: inout SingerSchema, timeExtracted: String, to output: SingerOutput
  ) throws -> Int {
    for partition in partitions {
      try forEachLine(partition) { SingerRecordWriter.observe($0, in: &schema) }
    }
    if schema.needsMessage { try output.schema(schema.message()) }
    var rows = 0
    let fixed = schema
    for partition in partitions {
      try forEachLine(partition) { line in
        rows += 1
        try output.record {
          SingerRecordWriter.append(line, schema: fixed, timeExtracted: timeExtracted, into: &$0)
        }
      }
    }
    return rows
  }
}
