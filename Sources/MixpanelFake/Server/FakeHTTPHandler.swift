import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// One connection: reads requests (one at a time; pipelining is serialised by NIO) and streams
/// responses.
final class FakeHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private struct Active {
    let logIndex: Int
    let admittedBy: RateLimiter?
    var streamer: ResponseStreamer?
  }

  /// Request bodies (form-encoded Query parameters) beyond this are cut off.
  private static let maximumBodyBytes = 1 << 20

  private let router: RequestRouter
  private let logger: Logger
  private var head: HTTPRequestHead?
  private var body: ByteBuffer?
  private var active: Active?
  private var channelIsActive = true
  /// Requests this connection has served (keep-alive reuses it).
  private var requestsServed = 0

  init(router: RequestRouter, logger: Logger) {
    self.router = router
    self.logger = logger
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch self.unwrapInboundIn(data) {
    case .head(let head):
      self.head = head
      self.body = nil
    case .body(var part):
      if self.body == nil {
        self.body = part
      } else if self.body!.readableBytes + part.readableBytes <= Self.maximumBodyBytes {
        self.body!.writeBuffer(&part)
      }
    case .end:
      guard let head = self.head else { return }
      let body = self.body
      self.head = nil
      self.body = nil
      self.handle(head, body: body, context: context)
    }
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable {
      self.active?.streamer?.resume()
    }
    context.fireChannelWritabilityChanged()
  }

  func channelInactive(context: ChannelHandlerContext) {
    self.channelIsActive = false
    self.active?.streamer?.abandon()
    self.complete()
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    self.logger.debug("fake server connection error", metadata: ["error": "\(error)"])
    context.close(promise: nil)
  }

  private func handle(_ head: HTTPRequestHead, body requestBody: ByteBuffer?, context: ChannelHandlerContext)
  {
    let (path, parameters) = QueryString.split(uri: head.uri)
    let logIndex = self.router.log.record(
      method: head.method.rawValue, path: path, query: parameters,
      arrival: self.router.configuration.clock.now())
    self.requestsServed += 1
    if self.requestsServed > 1, self.router.faults.closesReusedConnection() {
      self.router.log.update(logIndex) { $0.fault = "staleConnection" }
      context.close(promise: nil)
      return
    }
    let (route, admittedBy) = self.router.route(head, body: requestBody)
    self.active = Active(logIndex: logIndex, admittedBy: admittedBy, streamer: nil)
    self.logger.trace("fake server request", metadata: ["uri": "\(path)", "index": "\(logIndex)"])
    switch route {
    case .respond(let plan):
      self.send(plan, head: head, context: context)
    case .export(let request, let acceptsGzip):
      let project = self.router.project
      let gate =
        self.router.exportGate?.arrive(on: context.eventLoop) ?? context.eventLoop.makeSucceededVoidFuture()
      let body = gate.flatMap {
        NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) {
          project.export(
            from: request.from, to: request.to, events: request.events, limit: request.limit,
            timeInMs: request.timeInMs, nowMs: project.nowMs, filter: request.filter)
        }
      }
      body.assumeIsolated().whenComplete { result in
        let plan: ResponsePlan
        switch result {
        case .success(let body):
          let fault = self.router.faults.bodyFault(lineCount: body.lineCount, byteCount: body.byteCount)
          plan = .export(
            body, fault: fault, acceptsGzip: acceptsGzip,
            gzipThreshold: self.router.configuration.gzipThresholdBytes)
        case .failure(let error):
          self.logger.error("fake server could not build a body", metadata: ["error": "\(error)"])
          plan = .jsonError(.internalServerError, "unknown error", request: nil)
        }
        self.send(plan, head: head, context: context)
      }
    case .query(let request):
      let responder = QueryResponder(project: self.router.project, sessions: self.router.engageSessions)
      let uri = head.uri
      let plan = NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) {
        responder.respond(to: request, uri: uri)
      }
      plan.assumeIsolated().whenComplete { result in
        switch result {
        case .success(let plan): self.send(plan, head: head, context: context)
        case .failure(let error):
          self.logger.error("fake server could not answer a query", metadata: ["error": "\(error)"])
          self.send(
            .jsonError(.internalServerError, "unknown error", request: nil), head: head, context: context)
        }
      }
    }
  }

  private func send(_ plan: ResponsePlan, head: HTTPRequestHead, context: ChannelHandlerContext) {
    guard let logIndex = self.active?.logIndex else { return }
    self.router.log.update(logIndex) {
      $0.status = Int(plan.status.code)
      $0.fault = plan.fault
    }
    guard self.channelIsActive else {
      self.complete()
      return
    }
    let log = self.router.log
    let streamer = ResponseStreamer(
      plan: plan, context: context, keepAlive: head.isKeepAlive, configuration: self.router.configuration,
      onBytes: { bytes in log.update(logIndex) { $0.bytesSent += bytes } },
      onDone: { _ in self.complete() })
    self.active?.streamer = streamer
    streamer.start()
  }

  /// Marks the current response finished (idempotent).
  private func complete() {
    guard let active = self.active else { return }
    self.active = nil
    self.router.log.update(active.logIndex) { $0.completed = true }
    active.admittedBy?.release()
  }
}
