import CZlib
import NIOCore
import NIOHTTP1

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif
/// Sends one `ResponsePlan` on a channel, honouring writability (back-pressure), pacing, gzip
/// and the fault shapes. Lives on the channel's event loop.
final class ResponseStreamer {
  private let plan: ResponsePlan
  private let context: ChannelHandlerContext
  private let keepAlive: Bool
  private let bandwidth: Int?
  private let chunkBytes: Int
  private let compressor: GzipCompressor?
  private let onBytes: (Int) -> Void
  private let onDone: (_ closeConnection: Bool) -> Void

  private var pieceIndex = 0
  private var current: ByteBuffer?
  private var identityBytesSent = 0
  private var stall: (afterBytes: Int, duration: Duration)?
  private var waiting = false
  private var finished = false
  private var lastWrite: EventLoopFuture<Void>?
  private var scheduled: Scheduled<Void>?
  /// Bandwidth pacing keeps an absolute schedule: byte n leaves no earlier than
  /// `paceStart + n / bandwidth`, so timer lateness and write time do not add up.
  private var paceStart: NIODeadline?
  private var pacedBytes: Int64 = 0

  init(
    plan: ResponsePlan, context: ChannelHandlerContext, keepAlive: Bool,
    configuration: FakeServerConfiguration,
    onBytes: @escaping (Int) -> Void, onDone: @escaping (_ closeConnection: Bool) -> Void
  ) {
    self.plan = plan
    self.context = context
    self.keepAlive = keepAlive && plan.ending == .normal
    self.bandwidth = configuration.bandwidthBytesPerSecondPerConnection.map { max(1, $0) }
    var chunk = configuration.chunkBytes
    if let bandwidth = self.bandwidth { chunk = min(chunk, max(1, bandwidth / 50)) }
    if let dribble = plan.dribble { chunk = min(chunk, dribble.chunkBytes) }
    self.chunkBytes = chunk
    self.compressor = plan.gzip ? GzipCompressor(level: configuration.gzipLevel) : nil
    self.stall = plan.stall
    self.onBytes = onBytes
    self.onDone = onDone
  }

  func start() {
    if let delay = self.plan.firstByteDelay {
      self.waiting = true
      self.scheduled = self.context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) {
        self.waiting = false
        self.sendHead()
        self.pump()
      }
      return
    }
    self.sendHead()
    self.pump()
  }

  /// The channel became writable again.
  func resume() {
    self.pump()
  }

  /// The connection went away; stop without writing anything else.
  func abandon() {
    self.finished = true
    self.scheduled?.cancel()
    self.scheduled = nil
  }

  private func sendHead() {
    var headers = HTTPHeaders(self.plan.headers)
    if let length = self.plan.contentLength, !self.plan.gzip {
      headers.add(name: "Content-Length", value: String(length))
    } else {
      headers.add(name: "Transfer-Encoding", value: "chunked")
    }
    if !self.keepAlive && self.plan.ending == .normal {
      headers.add(name: "Connection", value: "close")
    }
    let head = HTTPResponseHead(version: .http1_1, status: self.plan.status, headers: headers)
    self.context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
  }

  private var pacing: Bool {
    self.bandwidth != nil || self.plan.dribble != nil
  }

  private func pump() {
    guard !self.waiting, !self.finished else { return }
    let loop = self.context.eventLoop.assumeIsolated()
    while self.context.channel.isWritable {
      if let stall = self.stall, self.identityBytesSent >= stall.afterBytes {
        self.stall = nil
        self.flushCompressor()
        self.context.flush()
        self.waiting = true
        self.scheduled = loop.scheduleTask(in: TimeAmount(stall.duration)) {
          self.waiting = false
          self.pump()
        }
        return
      }
      var limit = self.chunkBytes
      if let stall = self.stall { limit = min(limit, stall.afterBytes - self.identityBytesSent) }
      guard let chunk = self.nextChunk(maxBytes: limit) else {
        self.finish()
        return
      }
      self.identityBytesSent += chunk.readableBytes
      if let compressor = self.compressor {
        let flush = self.pacing ? Z_SYNC_FLUSH : Z_NO_FLUSH
        self.writeBody(compressor.compress(chunk, flush: flush, allocator: self.context.channel.allocator))
      } else {
        self.writeBody(chunk)
      }
      if let delay = self.paceDelay(for: chunk.readableBytes) {
        self.context.flush()
        self.waiting = true
        self.scheduled = loop.scheduleTask(in: delay) {
          self.waiting = false
          self.pump()
        }
        return
      }
    }
    self.context.flush()
  }

  private func paceDelay(for bytes: Int) -> TimeAmount? {
    var nanoseconds: Int64 = 0
    if let bandwidth = self.bandwidth {
      let now = NIODeadline.now()
      let start = self.paceStart ?? now
      self.paceStart = start
      self.pacedBytes += Int64(bytes)
      let due = start + .nanoseconds(self.pacedBytes * 1_000_000_000 / Int64(bandwidth))
      nanoseconds = max(0, (due - now).nanoseconds)
    }
    if let dribble = self.plan.dribble {
      nanoseconds = max(nanoseconds, TimeAmount(dribble.interval).nanoseconds)
    }
    return nanoseconds > 0 ? .nanoseconds(nanoseconds) : nil
  }

  private func nextChunk(maxBytes: Int) -> ByteBuffer? {
    while true {
      if var buffer = self.current, buffer.readableBytes > 0 {
        let length = min(maxBytes, buffer.readableBytes)
        let slice = buffer.readSlice(length: length)!
        self.current = buffer
        return slice
      }
      guard self.pieceIndex < self.plan.pieces.count else { return nil }
      self.current = self.plan.pieces[self.pieceIndex]
      self.pieceIndex += 1
    }
  }

  private func writeBody(_ buffer: ByteBuffer) {
    guard buffer.readableBytes > 0 else { return }
    self.onBytes(buffer.readableBytes)
    let promise = self.context.eventLoop.makePromise(of: Void.self)
    self.context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: promise)
    self.lastWrite = promise.futureResult
  }

  private func flushCompressor() {
    guard let compressor = self.compressor else { return }
    let empty = self.context.channel.allocator.buffer(capacity: 0)
    self.writeBody(compressor.compress(empty, flush: Z_SYNC_FLUSH, allocator: self.context.channel.allocator))
  }

  private func finish() {
    self.finished = true
    let context = self.context
    switch self.plan.ending {
    case .normal, .closeAfterEnd:
      if let compressor = self.compressor {
        let empty = context.channel.allocator.buffer(capacity: 0)
        self.writeBody(compressor.compress(empty, flush: Z_FINISH, allocator: context.channel.allocator))
      }
      let close = !self.keepAlive
      self.onDone(close)  // before the last bytes leave, so a client never sees a stale log
      let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
      if close {
        done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
      }
    case .cut(let reset):
      self.flushCompressor()
      self.onDone(true)
      context.flush()
      let closeNow = {
        if reset, let provider = context.channel as? any SocketOptionProvider {
          provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
          }
        } else {
          context.close(promise: nil)
        }
      }
      if let lastWrite = self.lastWrite {
        lastWrite.assumeIsolated().whenComplete { _ in closeNow() }
      } else {
        closeNow()
      }
    }
  }
}
