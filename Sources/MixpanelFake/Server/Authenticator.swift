/// Checks HTTP Basic credentials the way Mixpanel does (§2 of the API contract).
struct Authenticator: Sendable {
  enum Outcome: Equatable {
    case projectSecret
    case serviceAccount
    /// 401
    case unauthorized
    /// 400: service account without `project_id`, or a non-numeric one.
    case badProjectID(String)
    /// 403: service account asking for another project.
    case forbidden(String)
  }

  let apiSecret: String
  let serviceAccount: FakeServiceAccount?

  func check(authorization: String?, projectID: String?) -> Outcome {
    guard let authorization else { return .unauthorized }
    let trimmed = authorization.drop { $0 == " " }
    guard trimmed.count > 6, trimmed.prefix(6).lowercased() == "basic " else { return .unauthorized }
    let token = String(trimmed.dropFirst(6).trimmingSpaces())
    // Standard base64 first; Mixpanel also accepts the credentials as plain text.
    var candidates: [String] = []
    if let decoded = Base64.decode(token) { candidates.append(String(decoding: decoded, as: UTF8.self)) }
    candidates.append(token)
    for candidate in candidates {
      let outcome = self.check(credentials: candidate, projectID: projectID)
      if outcome != .unauthorized { return outcome }
    }
    return .unauthorized
  }

  private func check(credentials: String, projectID: String?) -> Outcome {
    let user: Substring
    let password: Substring
    if let colon = credentials.firstIndex(of: ":") {
      user = credentials[..<colon]
      password = credentials[credentials.index(after: colon)...]
    } else {
      user = credentials[...]
      password = ""
    }
    if !self.apiSecret.isEmpty, user == self.apiSecret, password.isEmpty {
      return .projectSecret
    }
    if let account = self.serviceAccount, user == account.username, password == account.secret {
      guard let projectID, !projectID.isEmpty else {
        return .badProjectID("project_id is required when using service account authentication")
      }
      guard let id = Int(projectID) else { return .badProjectID("Error in project_id: invalid integer") }
      guard id == account.projectID else {
        return .forbidden("Service account does not have access to project \(id)")
      }
      return .serviceAccount
    }
    return .unauthorized
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> Substring {
    var result = self
    while result.last == " " { result = result.dropLast() }
    return result
  }
}
