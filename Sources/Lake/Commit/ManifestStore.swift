import Foundation

/// Reads and writes `_manifest.json` files.
public enum ManifestStore {
  /// The manifest of the partition folder `directory`, nil when it has none.
  public static func read(directory: String) throws(LakeError) -> Manifest? {
    let path = "\(directory)/\(Manifest.fileName)"
    guard FileSystem.exists(path) else { return nil }
    let bytes = try FileSystem.read(path)
    do {
      return try JSONDecoder().decode(Manifest.self, from: Data(bytes))
    } catch {
      throw .corrupt(
        path, "not a manifest this version can read",
        fix: "delete the partition folder \(directory) and run the export again for its day")
    }
  }

  /// Writes `manifest` into `directory` atomically.
  public static func write(
    _ manifest: Manifest, directory: String, mode: CommitMode = .rename,
    failureInjector: FailureInjector? = nil
  ) throws(LakeError) {
    let bytes = JSONText.encode(manifest)
    let path = "\(directory)/\(Manifest.fileName)"
    switch mode {
    case .rename:
      try FileSystem.writeAtomically(bytes, to: path, failureInjector: failureInjector)
    case .direct:
      // One PUT on object storage: the object appears whole when the file is closed.
      let sink = try FileSink(creating: path, failureInjector: failureInjector)
      try sink.write(bytes)
      try sink.sync()
      try sink.close()
    }
  }
}

/// Stable, readable JSON for the lake's own files.
public enum JSONText {
  public static func encode(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Encoding our own plain structs cannot fail.
    return Array(try! encoder.encode(value)) + [0x0A]
  }
}
