import NIOCore
import NIOHTTP1

/// Everything the channel handler needs to send one response.
struct ResponsePlan {
  enum Ending: Equatable {
    /// Normal end; the connection stays open if the request allows keep-alive.
    case normal
    /// Normal end of the HTTP message, then close (FIN).
    case closeAfterEnd
    /// Stop mid-body without ending the HTTP message; close with FIN or RST.
    case cut(reset: Bool)
  }

  var status: HTTPResponseStatus
  var headers: [(String, String)] = []
  var pieces: [ByteBuffer]
  /// Content-Length to announce for identity bodies; nil = chunked.
  var contentLength: Int?
  var gzip = false
  var ending = Ending.normal
  var firstByteDelay: Duration?
  var stall: (afterBytes: Int, duration: Duration)?
  var dribble: (chunkBytes: Int, interval: Duration)?
  var fault: String?

  /// `{"error": "...", "request": "..."}` (the `request` key only when given).
  static func jsonError(
    _ status: HTTPResponseStatus, _ message: String, request: String?, headers: [(String, String)] = []
  ) -> ResponsePlan {
    var body: [UInt8] = Array("{\"error\": ".utf8)
    JSONByteWriter.appendQuoted(message, to: &body)
    if let request {
      body.append(contentsOf: Array(", \"request\": ".utf8))
      JSONByteWriter.appendQuoted(request, to: &body)
    }
    body.append(UInt8(ascii: "}"))
    return ResponsePlan(
      status: status, headers: [("Content-Type", "application/json")] + headers,
      pieces: [ByteBuffer(bytes: body)], contentLength: body.count)
  }

  /// A JSON response (Query and App API).
  static func json(_ value: JSONValue, status: HTTPResponseStatus = .ok) -> ResponsePlan {
    let body = value.bytes
    return ResponsePlan(
      status: status, headers: [("Content-Type", "application/json")], pieces: [ByteBuffer(bytes: body)],
      contentLength: body.count)
  }

  /// `{"status": "error", "error": "..."}`: the App API's error shape.
  static func appError(_ status: HTTPResponseStatus, _ message: String) -> ResponsePlan {
    .json(.object([("status", .string("error")), ("error", .string(message))]), status: status)
  }

  /// A 200 export response for `body`, shaped by `fault`.
  static func export(
    _ body: ExportBody, fault: InjectedFault?, acceptsGzip: Bool, gzipThreshold: Int
  ) -> ResponsePlan {
    var plan = ResponsePlan(
      status: .ok, headers: [("Content-Type", "text/plain; charset=utf-8")], pieces: body.buffers,
      contentLength: body.byteCount)
    switch fault {
    case .cutMidLine(let reset):
      let whole = body.lineCount / 2
      var half = body.line(whole)!
      half.moveWriterIndex(to: half.readerIndex + max(1, half.readableBytes / 2))
      plan.pieces = body.prefix(lines: whole) + [half]
      plan.ending = .cut(reset: reset)
    case .terminatedEarly(let linesBefore, let marker):
      let count = min(body.lineCount, linesBefore ?? body.lineCount / 2)
      plan.pieces = body.prefix(lines: count) + [ByteBuffer(string: marker + "\n")]
      plan.contentLength = plan.pieces.reduce(0) { $0 + $1.readableBytes }
      plan.ending = .closeAfterEnd
    case .malformedLine:
      let at = body.lineCount / 2
      let broken = ByteBuffer(string: "{\"event\":\"Broken Line\",\"properties\":{\"time\":17,\"oops\":\n")
      plan.pieces = body.prefix(lines: at) + [broken] + body.suffix(fromLine: at)
      plan.contentLength = body.byteCount + broken.readableBytes
    case .stallMidBody(let duration):
      plan.stall = (body.byteCount / 2, duration)
    case .dribble(let chunkBytes, let interval):
      plan.dribble = (chunkBytes, interval)
    case .slowFirstByte(let duration):
      plan.firstByteDelay = duration
    case .errorObject(let linesBefore, let message):
      var object: [UInt8] = Array("{\"request\": \"/api/2.0/export\", \"error\": ".utf8)
      JSONByteWriter.appendQuoted(message, to: &object)
      object.append(contentsOf: Array("}\n".utf8))
      plan.pieces = body.prefix(lines: min(linesBefore, body.lineCount)) + [ByteBuffer(bytes: object)]
      plan.contentLength = plan.pieces.reduce(0) { $0 + $1.readableBytes }
    case .emptyBody:
      plan.pieces = []
      plan.contentLength = 0
    case .controlBytes:
      let at = body.lineCount / 2
      let line = ByteBuffer(
        bytes: Array(
          "{\"event\":\"Bad\u{1B}[31mRed\r\u{07}\",\"properties\":{\"time\":17,\"x\":\"\u{0}\"}}\n".utf8))
      plan.pieces = body.prefix(lines: at) + [line] + body.suffix(fromLine: at)
      plan.contentLength = body.byteCount + line.readableBytes
    case .serverError, .tooManyRequests, nil:
      break
    }
    plan.fault = fault?.name
    // The gzip decision looks at the full body, like the real server deciding before streaming.
    if acceptsGzip, body.byteCount > gzipThreshold || plan.contentLength ?? 0 > gzipThreshold {
      plan.gzip = true
      plan.contentLength = nil
      plan.headers.append(("Content-Encoding", "gzip"))
    }
    return plan
  }
}
