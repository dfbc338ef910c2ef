import Foundation
public import Logging

/// One JSON object per log line on stderr: `{"ts":…,"level":…,"label":…,"message":…,"metadata":{…}}`,
/// for log pipelines (Kubernetes, Cloud Logging).
public struct JSONLogHandler: LogHandler {
  let label: String
  public var metadata: Logger.Metadata = [:]
  public var logLevel: Logger.Level = .info

  public init(label: String) { self.label = label }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var fields: [String: Any] = [
      "ts": ISO8601DateFormatter().string(from: Date()), "level": "\(event.level)", "label": label,
      "message": "\(event.message)",
    ]
    let merged = metadata.merging(event.metadata ?? [:]) { $1 }
    if !merged.isEmpty { fields["metadata"] = merged.mapValues { "\($0)" } }
    guard var data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else {
      return
    }
    data.append(0x0A)
    FileHandle.standardError.write(data)
  }
}
