/// A fault chosen for one export request.
enum InjectedFault: Equatable {
  case serverError
  case tooManyRequests(retryAfterSeconds: Int?)
  case cutMidLine(reset: Bool)
  case terminatedEarly(linesBefore: Int?, marker: String)
  case malformedLine
  case stallMidBody(Duration)
  case slowFirstByte(Duration)
  case dribble(chunkBytes: Int, interval: Duration)
  case errorObject(linesBefore: Int, message: String)
  case emptyBody
  case controlBytes

  var name: String {
    switch self {
    case .serverError: "status5xx"
    case .tooManyRequests: "burst429"
    case .cutMidLine(let reset): reset ? "cutMidLineReset" : "cutMidLine"
    case .terminatedEarly: "terminatedEarly"
    case .malformedLine: "malformedLine"
    case .stallMidBody: "stallMidBody"
    case .slowFirstByte: "slowFirstByte"
    case .dribble: "dribble"
    case .errorObject(let linesBefore, _): linesBefore == 0 ? "errorObject" : "trailingErrorObject"
    case .emptyBody: "emptyBody"
    case .controlBytes: "controlBytes"
    }
  }
}
