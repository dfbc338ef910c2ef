import Foundation
import NDJSON
import Testing

@Suite("JSONLineScanner")
struct JSONLineScannerTests {
  static func scan(_ text: String) throws(NDJSONError) -> EventFields {
    try JSONLineScanner.scan(Array(text.utf8))
  }

  static func slice(_ text: String, _ range: Range<Int>?) -> String? {
    range.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
  }

  @Test("finds time, event, distinct_id and $insert_id at the right depth only")
  func extractsFields() throws {
    let line = #"""
      {"event":"Signed Up","properties":{"nested":{"time":5,"distinct_id":"no"},"time":1717243512,"list":[{"time":7}],"distinct_id":"user_8f3a2c","$insert_id":"5d2b"}}
      """#
    let fields = try Self.scan(line)
    #expect(fields.time == 1_717_243_512)
    #expect(Self.slice(line, fields.event) == #""Signed Up""#)
    #expect(Self.slice(line, fields.distinctID) == #""user_8f3a2c""#)
    #expect(Self.slice(line, fields.insertID) == #""5d2b""#)
  }

  @Test(
    "a line is an event only with a string 'event' and an object 'properties'",
    arguments: [
      (#"{"event":"A","properties":{"time":1}}"#, true),
      (#"{"event":"A","properties":{}}"#, true),
      (#"{"properties":{"time":1},"event":"A"}"#, true),
      (#"{"request": "/api/2.0/export", "error": "Internal error"}"#, false),
      (#"{"event":"A"}"#, false),
      (#"{"event":"A","properties":"x"}"#, false),
      (#"{"event":"A","properties":[{"time":1}]}"#, false),
      (#"{"event":7,"properties":{"time":1}}"#, false),
      (#"{"x":{"event":"A","properties":{}}}"#, false),
      (#"{"properties":{"time":1,"event":"A","properties":{}}}"#, false),
    ])
  func eventShape(line: String, isEvent: Bool) throws {
    #expect(try Self.scan(line).isEvent == isEvent, "\(line)")
  }

  @Test("a fractional or negative time is truncated, an exponent or overflow gives nil")
  func timeNumbers() throws {
    #expect(try Self.scan(#"{"properties":{"time":1717243512.75}}"#).time == 1_717_243_512)
    #expect(try Self.scan(#"{"properties":{"time":-3}}"#).time == -3)
    #expect(try Self.scan(#"{"properties":{"time":1e9}}"#).time == nil)
    #expect(try Self.scan(#"{"properties":{"time":99999999999999999999}}"#).time == nil)
    #expect(try Self.scan(#"{"properties":{"time":"1717243512"}}"#).time == nil)
    #expect(try Self.scan(#"{"time":1,"properties":{}}"#).time == nil)
  }

  static let valid: [String] = [
    #"{}"#,
    #"  {"a" : [ 1 , -0.5e+3 , true , false , null , {} , [] ] }  "#,
    #"{"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83C\uDF89"}"#,
    #"{"u":"Zürich 東京 🎉 ﻿"}"#,
    #"{"big":9007199254740993,"neg":-12,"zero":0,"frac":0.25,"exp":1E-7}"#,
    #"{"deep":[[[[[[[[[[{"k":[1]}]]]]]]]]]]}"#,
  ]

  static let invalid: [String] = [
    "terminated early", "export terminated early", "[terminated early]", #"{"error":"#,
    #"{"event":"a","properties":{"time":1"#, #"{"a":1,}"#, #"{"a" 1}"#, #"{a:1}"#, #"[1,2]"#, "123",
    #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#,
    "{\"a\":\"tab\there\"}", #"{"a":1}}"#, #"{"a":1} {"b":2}"#, #"{"a":[1}"#, #"{"a":{]}"#,
    #"{"a":"unterminated}"#, "{\"a\":NaN}",
  ]

  @Test("accepts valid JSON objects", arguments: valid)
  func acceptsValid(_ line: String) throws {
    _ = try Self.scan(line)
    #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
  }

  @Test("rejects truncated lines, trailers and garbage", arguments: invalid)
  func rejectsInvalid(_ line: String) {
    #expect(throws: NDJSONError.self) { try Self.scan(line) }
  }

  @Test("rejects invalid UTF-8: stray continuation, overlong, surrogate, truncated sequence")
  func rejectsBadUTF8() {
    let prefix = Array(#"{"a":""#.utf8)
    let suffix = Array(#""}"#.utf8)
    for bad: [UInt8] in [
      [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF5, 0x80, 0x80, 0x80],
    ] {
      #expect(throws: NDJSONError.self) { try JSONLineScanner.scan(prefix + bad + suffix) }
    }
  }

  @Test("nesting deeper than the limit is rejected")
  func depthLimit() {
    let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
    #expect(throws: NDJSONError.self) { try Self.scan(#"{"a":\#(deep)}"#) }
  }

  @Test("the 8-bytes-at-a-time path finds a special byte at every offset of a long string")
  func wordAtATimeOffsets() throws {
    for offset in 0..<24 {
      let pad = String(repeating: "a", count: offset)
      let tail = String(repeating: "b", count: 17)
      _ = try Self.scan(#"{"s":"\#(pad)\"\#(tail)"}"#)
      _ = try Self.scan(#"{"s":"\#(pad)é東🎉\#(tail)"}"#)
      #expect(try Self.scan(#"{"s":"\#(pad)","k":"\#(tail)"}"#).time == nil)
      #expect(throws: NDJSONError.self) { try Self.scan("{\"s\":\"\(pad)\u{01}\(tail)\"}") }
      #expect(throws: NDJSONError.self) {
        try JSONLineScanner.scan(Array("{\"s\":\"\(pad)".utf8) + [0xFF] + Array("\(tail)\"}".utf8))
      }
      #expect(throws: NDJSONError.self) { try Self.scan(#"{"s":"\#(pad)\#(tail)}"#) }
    }
  }
}
