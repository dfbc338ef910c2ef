import Foundation

/// The part of Mixpanel's `where` expressions the fake's export understands: comparisons of
/// `properties["name"]` (or `event`) with a string or number literal, `defined(properties["name"])`,
/// joined by `and` and `or` (`and` binds tighter; no parentheses). Anything else is answered
/// `400 invalid where expression`, as the real API answers what it cannot parse.
///
/// ```
/// properties["mp_lib"] == "python" and properties["seats"] > 100 or event == "Signed Up"
/// ```
struct ExportFilter: Sendable, Equatable {
  enum Operand: Sendable, Equatable {
    case property(String)
    case event
  }

  enum Literal: Sendable, Equatable {
    case string(String)
    case number(Double)
  }

  enum Comparison: String, Sendable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case less = "<"
    case greater = ">"
  }

  enum Term: Sendable, Equatable {
    case compare(Operand, Comparison, Literal)
    case defined(String)
  }

  /// Clauses joined by `or`, each a list of terms joined by `and`.
  let clauses: [[Term]]

  /// Parses `text`; nil when it is outside the subset.
  static func parse(_ text: String) -> ExportFilter? {
    var scanner = Scanner(Array(text.unicodeScalars))
    var clauses: [[Term]] = [[]]
    while true {
      guard let term = scanner.term() else { return nil }
      clauses[clauses.count - 1].append(term)
      let end = scanner.at
      scanner.skipSpace()
      if scanner.atEnd { return ExportFilter(clauses: clauses) }
      // `and` and `or` stand apart from the term before them (`5and` is no expression).
      guard scanner.at > end else { return nil }
      if scanner.word("and") { continue }
      if scanner.word("or") {
        clauses.append([])
        continue
      }
      return nil
    }
  }

  /// Whether the export line `event` (a decoded JSON object) passes the filter.
  func matches(_ event: [String: Any]) -> Bool {
    let properties = event["properties"] as? [String: Any] ?? [:]
    return clauses.contains { clause in
      clause.allSatisfy { term in
        switch term {
        case .defined(let name):
          return properties[name] != nil && !(properties[name] is NSNull)
        case .compare(let operand, let comparison, let literal):
          let value: Any? =
            switch operand {
            case .event: event["event"]
            case .property(let name): properties[name]
            }
          return Self.compare(value, comparison, literal)
        }
      }
    }
  }

  private static func compare(_ value: Any?, _ comparison: Comparison, _ literal: Literal) -> Bool {
    let order: ComparisonResult?
    switch literal {
    case .string(let text):
      order = (value as? String).map {
        $0 == text ? .orderedSame : ($0 < text ? .orderedAscending : .orderedDescending)
      }
    case .number(let number):
      let actual = value is String ? nil : (value as? NSNumber)?.doubleValue
      order = actual.map {
        $0 == number ? .orderedSame : ($0 < number ? .orderedAscending : .orderedDescending)
      }
    }
    guard let order else { return comparison == .notEqual }
    switch comparison {
    case .equal: return order == .orderedSame
    case .notEqual: return order != .orderedSame
    case .less: return order == .orderedAscending
    case .lessOrEqual: return order != .orderedDescending
    case .greater: return order == .orderedDescending
    case .greaterOrEqual: return order != .orderedAscending
    }
  }

  /// A cursor over the expression's characters.
  private struct Scanner {
    let text: [Unicode.Scalar]
    var at = 0

    init(_ text: [Unicode.Scalar]) {
      self.text = text
    }

    var atEnd: Bool { at >= text.count }

    mutating func skipSpace() {
      while at < text.count, text[at].properties.isWhitespace { at += 1 }
    }

    /// Consumes `literal` if it comes next (after spaces).
    mutating func symbol(_ literal: String) -> Bool {
      skipSpace()
      let scalars = Array(literal.unicodeScalars)
      guard at + scalars.count <= text.count, Array(text[at..<at + scalars.count]) == scalars else {
        return false
      }
      at += scalars.count
      return true
    }

    /// Consumes the keyword `word` if it comes next as a whole word.
    mutating func word(_ word: String) -> Bool {
      let start = at
      guard symbol(word) else { return false }
      if at < text.count, text[at].properties.isAlphabetic || text[at] == "_" {
        at = start
        return false
      }
      return true
    }

    mutating func term() -> Term? {
      if symbol("defined(") {
        guard let name = propertyName(), symbol(")") else { return nil }
        return .defined(name)
      }
      let operand: Operand
      if word("event") {
        operand = .event
      } else if let name = propertyName() {
        operand = .property(name)
      } else {
        return nil
      }
      guard let comparison = Comparison.allCases.first(where: { symbol($0.rawValue) }), let value = literal()
      else { return nil }
      return .compare(operand, comparison, value)
    }

    /// `properties["name"]`.
    mutating func propertyName() -> String? {
      guard symbol("properties["), let name = string(), symbol("]") else { return nil }
      return name
    }

    mutating func literal() -> Literal? {
      skipSpace()
      if let text = string() { return .string(text) }
      let start = at
      while at < text.count, "0123456789.-+eE".unicodeScalars.contains(text[at]) { at += 1 }
      guard at > start, let number = Double(String(String.UnicodeScalarView(text[start..<at]))) else {
        return nil
      }
      return .number(number)
    }

    /// A double-quoted string with `\"` and `\\` escapes.
    mutating func string() -> String? {
      skipSpace()
      guard at < text.count, text[at] == "\"" else { return nil }
      at += 1
      var scalars = String.UnicodeScalarView()
      while at < text.count {
        let c = text[at]
        at += 1
        if c == "\"" { return String(scalars) }
        if c == "\\" {
          guard at < text.count else { return nil }
          scalars.append(text[at])
          at += 1
        } else {
          scalars.append(c)
        }
      }
      return nil
    }
  }
}
