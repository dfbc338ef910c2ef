/// Request parameters: the query string merged with a form-encoded body (query string first).
struct QueryParameters: Sendable {
  let pairs: [(String, String)]

  init(_ pairs: [(String, String)]) {
    self.pairs = pairs
  }

  /// First non-empty value of `name`.
  func value(_ name: String) -> String? {
    self.pairs.first { $0.0 == name && !$0.1.isEmpty }?.1
  }

  /// A required `yyyy-mm-dd` date.
  func date(_ name: String) -> Result<FakeDay, RequestError> {
    guard let text = self.value(name) else {
      return .failure(RequestError("Error in \(name): missing required parameter"))
    }
    guard let day = FakeDay(text) else { return .failure(RequestError("Error in \(name): invalid date")) }
    return .success(day)
  }

  /// `from_date`…`to_date`, both required, in order, and not after `today`.
  func dateRange(today: FakeDay) -> Result<ClosedRange<FakeDay>, RequestError> {
    let from: FakeDay
    let to: FakeDay
    switch (self.date("from_date"), self.date("to_date")) {
    case (.failure(let error), _), (_, .failure(let error)): return .failure(error)
    case (.success(let f), .success(let t)):
      from = f
      to = t
    }
    guard from <= to else { return .failure(RequestError("from_date cannot be later than to_date")) }
    guard to <= today else { return .failure(RequestError("to_date cannot be later than today")) }
    return .success(from...to)
  }

  /// An optional integer in `range`; `fallback` when absent.
  func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) -> Result<Int, RequestError>
  {
    guard let text = self.value(name) else { return .success(fallback) }
    guard let number = Int(text), range.contains(number) else {
      return .failure(
        RequestError(
          "Error in \(name): must be an integer between \(range.lowerBound) and \(range.upperBound)"))
    }
    return .success(number)
  }
}
