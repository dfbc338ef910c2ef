import AsyncHTTPClient
import NIOCore

extension MixpanelClient {
  /// An export's body, or its first `maxBytes` cut after their last whole line: a small
  /// sample of real events (with `request.limit` set, Mixpanel stops on its own). Used to see
  /// the types properties take, which no property endpoint gives for events (§10.2).
  public func exportSample(_ request: ExportRequest, maxBytes: Int = 4 << 20) async throws -> [UInt8] {
    try await export(request) { body in
      var bytes: [UInt8] = []
      for try await chunk in body {
        bytes.append(contentsOf: chunk.readableBytesView.prefix(maxBytes - bytes.count))
        if bytes.count >= maxBytes { break }
      }
      guard bytes.count >= maxBytes else { return bytes }
      // Cut: keep the whole lines.
      return Array(bytes[..<(bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)])
    }
  }
}
