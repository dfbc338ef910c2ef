/// A validated `GET /api/2.0/export` request.
struct ExportRequest: Sendable, Equatable {
  var from: FakeDay
  var to: FakeDay
  var events: Set<String>?
  var limit: Int?
  var timeInMs: Bool
  /// `where`, in the subset ``ExportFilter`` understands.
  var filter: ExportFilter? = nil

  static let maximumLimit = 100_000

  /// Validates the query parameters; the error is the 400 message.
  static func parse(_ parameters: [(String, String)], today: FakeDay) -> Result<ExportRequest, RequestError> {
    func value(_ name: String) -> String? {
      parameters.first { $0.0 == name }?.1
    }
    func date(_ name: String) -> Result<FakeDay, RequestError> {
      guard let text = value(name), !text.isEmpty else {
        return .failure(RequestError("Error in \(name): missing required parameter"))
      }
      guard let day = FakeDay(text) else { return .failure(RequestError("Error in \(name): invalid date")) }
      return .success(day)
    }
    let from: FakeDay
    let to: FakeDay
    switch (date("from_date"), date("to_date")) {
    case (.failure(let error), _), (_, .failure(let error)): return .failure(error)
    case (.success(let f), .success(let t)):
      from = f
      to = t
    }
    guard from <= to else { return .failure(RequestError("from_date cannot be later than to_date")) }
    guard to <= today else { return .failure(RequestError("to_date cannot be later than today")) }

    var events: Set<String>?
    if let text = value("event"), !text.isEmpty {
      guard let names = JSONStringArray.parse(text) else {
        return .failure(RequestError("Error in event: invalid JSON array of event names"))
      }
      events = Set(names)
    }
    var limit: Int?
    if let text = value("limit"), !text.isEmpty {
      guard let number = Int(text), number >= 1, number <= maximumLimit else {
        return .failure(RequestError("Error in limit: must be an integer between 1 and \(maximumLimit)"))
      }
      limit = number
    }
    var filter: ExportFilter?
    if let text = value("where"), !text.isEmpty {
      guard let parsed = ExportFilter.parse(text) else {
        return .failure(RequestError("invalid where expression"))
      }
      filter = parsed
    }
    let timeInMs = value("time_in_ms").map { $0.lowercased() == "true" || $0 == "1" } ?? false
    return .success(
      ExportRequest(from: from, to: to, events: events, limit: limit, timeInMs: timeInMs, filter: filter))
  }
}

/// A client error with the message for the JSON body.
struct RequestError: Error, Equatable {
  let message: String

  init(_ message: String) {
    self.message = message
  }
}
