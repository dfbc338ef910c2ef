import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A response as seen on the wire by `RawHTTPConnection`.
struct RawHTTPResponse {
  enum Ending: Equatable {
    /// The message was complete (Content-Length reached, last chunk, or EOF without framing).
    case complete
    /// The peer closed (FIN) before the message was complete.
    case truncated
    /// The connection was reset (RST).
    case reset
  }

  var status: Int
  var headers: [(name: String, value: String)]
  /// The body after de-chunking (still gzip-compressed when the server compressed it).
  var body: [UInt8]
  var ending: Ending

  func header(_ name: String) -> String? {
    self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  var text: String { String(decoding: self.body, as: UTF8.self) }

  /// Body lines without their `\n`; a last line without `\n` is included.
  var lines: [Substring] {
    guard !self.body.isEmpty else { return [] }
    var parts = self.text.split(separator: "\n", omittingEmptySubsequences: false)
    if self.text.hasSuffix("\n") { parts.removeLast() }
    return parts
  }

  func json() -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any]
  }

  /// The body as any JSON value (arrays included).
  func anyJSON() -> Any? {
    try? JSONSerialization.jsonObject(with: Data(self.body))
  }
}

struct RawHTTPError: Error, CustomStringConvertible {
  let description: String
}

/// A blocking HTTP/1.1 client on a plain POSIX socket: just enough to see exactly what the
/// fake server sends (framing, truncation, resets).
final class RawHTTPConnection {
  private let fd: Int32
  private var buffer: [UInt8] = []
  private var sawEOF = false
  private var sawReset = false

  init(port: Int) throws {
    #if canImport(Glibc)
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw RawHTTPError(description: "socket() failed") }
    var timeout = timeval(tv_sec: 60, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      close(fd)
      throw RawHTTPError(description: "connect() failed: \(errno)")
    }
    self.fd = fd
  }

  deinit {
    close(self.fd)
  }

  func send(_ text: String) throws {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes { write(self.fd, $0.baseAddress, $0.count) }
      guard sent > 0 else { throw RawHTTPError(description: "write() failed: \(errno)") }
      offset += sent
    }
  }

  func get(_ target: String, headers: [String: String] = [:], keepAlive: Bool = false) throws
    -> RawHTTPResponse
  {
    var request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
    if !keepAlive { request += "Connection: close\r\n" }
    try self.send(request + "\r\n")
    return try self.readResponse()
  }

  /// A POST with a form-encoded (or other) body.
  func post(
    _ target: String, body: String, contentType: String = "application/x-www-form-urlencoded",
    headers: [String: String] = [:]
  ) throws -> RawHTTPResponse {
    var request = "POST \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    request += "Content-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n"
    for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
    try self.send(request + "\r\n" + body)
    return try self.readResponse()
  }

  /// Reads more bytes; false at EOF or reset.
  private func fill() throws -> Bool {
    guard !self.sawEOF, !self.sawReset else { return false }
    var chunk = [UInt8](repeating: 0, count: 256 * 1_024)
    let count = chunk.withUnsafeMutableBytes { read(self.fd, $0.baseAddress, $0.count) }
    if count > 0 {
      self.buffer.append(contentsOf: chunk[0..<count])
      return true
    }
    if count == 0 {
      self.sawEOF = true
      return false
    }
    if errno == ECONNRESET {
      self.sawReset = true
      return false
    }
    throw RawHTTPError(description: "read() failed: \(errno)")
  }

  private var lostEnding: RawHTTPResponse.Ending { self.sawReset ? .reset : .truncated }

  /// Takes one `\r\n`-terminated line from the buffer, reading as needed.
  private func readLine() throws -> String? {
    while true {
      if let index = self.buffer.firstIndex(of: 0x0A), index > 0, self.buffer[index - 1] == 0x0D {
        let line = String(decoding: self.buffer[0..<(index - 1)], as: UTF8.self)
        self.buffer.removeFirst(index + 1)
        return line
      }
      guard try self.fill() else { return nil }
    }
  }

  func readResponse() throws -> RawHTTPResponse {
    let response = try self.readHead()
    guard response.ending == .complete else { return response }
    return try self.readBody(of: response)
  }

  /// Reads the status line and headers only.
  func readHead() throws -> RawHTTPResponse {
    guard let statusLine = try self.readLine() else {
      if self.sawReset { return RawHTTPResponse(status: 0, headers: [], body: [], ending: .reset) }
      throw RawHTTPError(description: "connection closed before a response")
    }
    let parts = statusLine.split(separator: " ")
    guard parts.count >= 2, let status = Int(parts[1]) else {
      throw RawHTTPError(description: "bad status line \(statusLine)")
    }
    var response = RawHTTPResponse(status: status, headers: [], body: [], ending: .complete)
    while let line = try self.readLine(), !line.isEmpty {
      guard let colon = line.firstIndex(of: ":") else { continue }
      response.headers.append(
        (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
    return response
  }

  /// Reads the body that follows `head` (from `readHead`).
  func readBody(of head: RawHTTPResponse) throws -> RawHTTPResponse {
    var response = head
    if response.header("transfer-encoding")?.lowercased() == "chunked" {
      while true {
        guard let sizeLine = try self.readLine(), let size = Int(sizeLine, radix: 16) else {
          response.ending = self.lostEnding
          return response
        }
        if size == 0 {
          _ = try self.readLine()
          return response
        }
        guard try self.take(size + 2, into: &response.body, keep: size) else {
          response.ending = self.lostEnding
          return response
        }
      }
    } else if let length = response.header("content-length").flatMap({ Int($0) }) {
      if !(try self.take(length, into: &response.body, keep: length)) { response.ending = self.lostEnding }
    } else {
      while try self.fill() {}
      response.body = self.buffer
      self.buffer = []
      if self.sawReset { response.ending = .reset }
    }
    return response
  }

  /// Moves `count` bytes out of the stream, appending the first `keep` to `body`. On EOF keeps
  /// whatever arrived and returns false.
  private func take(_ count: Int, into body: inout [UInt8], keep: Int) throws -> Bool {
    while self.buffer.count < count {
      guard try self.fill() else {
        body.append(contentsOf: self.buffer.prefix(keep))
        self.buffer = []
        return false
      }
    }
    body.append(contentsOf: self.buffer[0..<keep])
    self.buffer.removeFirst(count)
    return true
  }
}
