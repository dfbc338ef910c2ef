import Foundation
import Testing

@testable import MixpanelFake

@Suite("The fake's subset of export `where` expressions")
struct ExportFilterTests {
  static var event: [String: Any] {
    [
      "event": "Signed Up",
      "properties": ["mp_lib": "python", "seats": 368, "plan": NSNull(), "say": #"a "b" \c"#]
        as [String: Any],
    ]
  }

  @Test(
    "comparisons, defined(), and before or",
    arguments: [
      (#"properties["mp_lib"] == "python""#, true),
      (#"properties["mp_lib"] != "python""#, false),
      (#"properties["seats"] > 100 and properties["seats"] <= 368"#, true),
      (#"properties["seats"] < 368"#, false),
      (#"event == "Purchase" or properties["seats"] >= 368"#, true),
      (#"event == "Purchase" or properties["seats"] > 368 and event == "Signed Up""#, false),
      (#"defined(properties["mp_lib"])"#, true),
      (#"defined(properties["plan"]) or defined(properties["nope"])"#, false),
      (#"properties["nope"] != "x""#, true),
      (#"properties["say"] == "a \"b\" \\c""#, true),
      (#"  properties["seats"]==368  "#, true),
    ])
  func matches(expression: String, expected: Bool) throws {
    let filter = try #require(ExportFilter.parse(expression), "parses: \(expression)")
    #expect(filter.matches(Self.event) == expected, "\(expression)")
  }

  @Test(
    "anything outside the subset does not parse (the server answers 400)",
    arguments: [
      "x", #"properties["a"]"#, #"properties["a"] == "#, #"(properties["a"] == 1)"#,
      #"properties["a"] == 1 andd properties["b"] == 2"#, #"properties["a"] ~ 1"#, #"properties["a" == 1"#,
      #"properties["a"] == "open"#, #"properties["a"] == 5and properties["b"] == 1"#,
      #"properties["a"] == "x"or properties["b"] == 1"#,
    ])
  func rejects(expression: String) {
    #expect(ExportFilter.parse(expression) == nil, "\(expression)")
  }
}
