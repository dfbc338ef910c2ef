import Foundation

/// Removes every form of the credentials' secrets from text a server sent back (an error body
/// that quotes the request's `Authorization` header, a proxy's echo of the request) before that
/// text is logged, printed or stored: the secret itself and the Basic-auth forms built from it
/// (base64 of `username:secret` or `secret:`, with and without padding).
public struct SecretScrubber: Sendable {
  public static let redacted = "[redacted]"
  /// Longest first, so a Basic value is replaced whole before its parts are looked for.
  private let needles: [String]

  public init(_ credentials: Credentials) {
    var needles: Set<String> = []
    for secret in credentials.secrets where !secret.isEmpty { needles.insert(secret) }
    let pair: String
    switch credentials {
    case .projectSecret(let secret): pair = "\(secret):"
    case .serviceAccount(let username, let secret, _): pair = "\(username):\(secret)"
    }
    let encoded = Data(pair.utf8).base64EncodedString()
    needles.insert(encoded)
    var unpadded = encoded
    while unpadded.hasSuffix("=") { unpadded.removeLast() }
    if unpadded.count >= 8 { needles.insert(unpadded) }
    self.needles = needles.sorted { $0.count > $1.count }
  }

  /// `text` with every secret form replaced by `[redacted]`.
  public func scrub(_ text: String) -> String {
    var out = text
    for needle in needles where out.contains(needle) {
      out = out.replacingOccurrences(of: needle, with: Self.redacted)
    }
    return out
  }
}

extension Credentials {
  /// A scrubber for these credentials' secrets.
  public var scrubber: SecretScrubber { SecretScrubber(self) }
}
