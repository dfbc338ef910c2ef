import Foundation

/// How requests authenticate (mixpanel-api.md §2). Its description never shows a secret.
public enum Credentials: Sendable, CustomStringConvertible {
  /// The deprecated project API secret: Basic `secret:` with an empty password.
  case projectSecret(String)
  /// A service account: Basic `username:secret`, and `project_id` on every request.
  case serviceAccount(username: String, secret: String, projectID: Int)

  /// The value of the `Authorization` header.
  var authorizationHeader: String {
    let pair: String
    switch self {
    case .projectSecret(let secret): pair = "\(secret):"
    case .serviceAccount(let username, let secret, _): pair = "\(username):\(secret)"
    }
    return "Basic " + Data(pair.utf8).base64EncodedString()
  }

  /// The `project_id` query parameter this auth needs, if any.
  var projectID: Int? {
    if case .serviceAccount(_, _, let id) = self { return id }
    return nil
  }

  /// The secrets, so callers can check that none leaks into files or logs.
  public var secrets: [String] {
    switch self {
    case .projectSecret(let secret): return [secret]
    case .serviceAccount(_, let secret, _): return [secret]
    }
  }

  public var description: String {
    switch self {
    case .projectSecret: return "project secret (redacted)"
    case .serviceAccount(let username, _, let id): return "service account \(username) for project \(id)"
    }
  }
}
