import Foundation
public import Lake
import MixpanelAPI
import Synchronization

/// Keeps each stream's `_schema.json` a superset of what its committed lines hold: a window
/// merges the types it saw into the file before its partitions are committed (``merge(_:lake:stream:)``),
/// so a reader that loads the schema never meets a column it lacks. Windows in flight merge
/// one at a time; the file is replaced whole (temporary file, rename), and only when it gains a
/// column or a wider type.
public final class SchemaStore: Sendable {
  private let cache = Mutex<[String: StreamSchema]>([:])

  public init() {}

  /// The schema of `stream` in `lake`, or nil when the stream has none yet.
  public static func read(lake: String, stream: String) throws -> StreamSchema? {
    let path = LakeLayout(root: lake).path(LakeLayout.schema(stream: stream))
    guard FileSystem.exists(path) else { return nil }
    let bytes = try FileSystem.read(path)
    do {
      return try StreamSchema(
        sparkJSON: try JSONNode(parsing: bytes), table: stream != StreamName.export.name)
    } catch {
      throw LakeError.corrupt(
        path, "not a schema this tool wrote (\(error))",
        fix: "remove it; the next export writes it again from what it fetches")
    }
  }

  /// Merges `schema` into `stream`'s file. A file of the other record format (the config's
  /// `record_format` changed) is replaced: reset the stream to rebuild its days in one format.
  public func merge(
    _ schema: StreamSchema, lake: String, stream: String, failureInjector: FailureInjector? = nil
  )
    throws
  {
    let key = "\(lake)\u{0}\(stream)"
    try cache.withLock { cache in
      let known = try cache[key] ?? Self.read(lake: lake, stream: stream)
      let current =
        known.flatMap { $0.flat == schema.flat ? $0 : nil }
        ?? StreamSchema(flat: schema.flat, table: schema.table)
      let merged = current.merged(with: schema)
      // A window without rows, before any: nothing to describe yet (and no folder to put it in).
      if known == nil, merged.columns.isEmpty { return }
      if merged != known {
        try FileSystem.makeDirectories(LakeLayout(root: lake).path(stream))
        try FileSystem.writeAtomically(
          merged.sparkJSON.bytes + [0x0A], to: LakeLayout(root: lake).path(LakeLayout.schema(stream: stream)),
          failureInjector: failureInjector)
      }
      cache[key] = merged
    }
  }
}
