import CZstd

/// The compression codec used for part files in the lake.
public enum Compression: String, Sendable, CaseIterable {
  case zstd
  case gzip

  /// File name suffix for a compressed JSONL part file, including the leading dot.
  public var fileExtension: String {
    switch self {
    case .zstd: ".jsonl.zst"
    case .gzip: ".jsonl.gz"
    }
  }

  /// The level used when none is configured: zstd 3, gzip 6.
  public var defaultLevel: Int {
    switch self {
    case .zstd: 3
    case .gzip: 6
    }
  }

  /// Accepted compression levels: zstd `1...ZSTD_maxCLevel()` (22), gzip `1...9`.
  public var validLevels: ClosedRange<Int> {
    switch self {
    case .zstd: 1...max(19, Int(ZSTD_maxCLevel()))
    case .gzip: 1...9
    }
  }

  /// Throws `CompressionError` when `level` is outside `validLevels`.
  public func validate(level: Int) throws {
    guard validLevels.contains(level) else {
      throw CompressionError(
        "invalid \(rawValue) compression level \(level) (valid: "
          + "\(validLevels.lowerBound)...\(validLevels.upperBound))")
    }
  }
}
