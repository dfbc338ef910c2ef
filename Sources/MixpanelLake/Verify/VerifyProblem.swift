/// One thing `verify` found wrong (or worth a warning), with where and what.
public struct VerifyProblem: Sendable, Equatable, CustomStringConvertible {
  /// Errors make `verify` fail; warnings are printed and do not.
  public enum Severity: String, Sendable, Equatable {
    case error, warning
  }

  public enum Kind: String, Sendable, Equatable {
    /// A file the manifest lists is not there.
    case missingFile = "missing file"
    /// The stored size differs from the manifest's `bytes`.
    case sizeMismatch = "size"
    /// The stored bytes' SHA-256 differs from the manifest's `sha256`.
    case checksumMismatch = "sha256"
    /// The file does not decompress (truncated or damaged).
    case undecompressable = "decompress"
    /// The decompressed line count differs from the manifest's `rows`.
    case rowMismatch = "rows"
    /// The decompressed size differs from the manifest's `uncompressed_bytes`.
    case uncompressedSizeMismatch = "uncompressed bytes"
    /// A file in a partition folder that the manifest does not list.
    case strayFile = "stray file"
    /// A manifest that cannot be read, or whose totals or partition name disagree with itself.
    case badManifest = "manifest"
    /// A partition folder with files but no `_manifest.json` (never committed).
    case missingManifest = "no manifest"
    /// Mixpanel's count for a day differs from the lake's beyond the tolerance.
    case countMismatch = "count"
    /// An event name with rows in the lake that Mixpanel does not count (hidden in Lexicon?).
    case notQueryable = "not queryable"
    /// The counts check could not run, or ran partly.
    case countsSkipped = "counts skipped"
    /// A committed line holds a property `_schema.json` lacks or types narrower than its values.
    case schemaMismatch = "schema"
  }

  public var severity: Severity
  public var kind: Kind
  /// A file or folder relative to the lake (`export/day=2024-06-01/part-….jsonl.zst`), or a day.
  public var location: String
  public var message: String

  public init(_ severity: Severity, _ kind: Kind, at location: String, _ message: String) {
    self.severity = severity
    self.kind = kind
    self.location = location
    self.message = message
  }

  public var description: String { "\(location): \(kind.rawValue): \(message)" }
}
