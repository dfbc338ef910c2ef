public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves `project` on loopback for the duration of `body`, then shuts down (also on throw).
public func withFakeMixpanelServer<T>(
  _ project: FakeProject,
  configuration: FakeServerConfiguration = FakeServerConfiguration(),
  logger: Logger,
  _ body: (FakeServerHandle) async throws -> T
) async throws -> T {
  let router = RequestRouter(project: project, configuration: configuration)
  let connections = ConnectionTracker()
  let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
    .serverChannelOption(ChannelOptions.backlog, value: 256)
    .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
    .childChannelOption(
      ChannelOptions.writeBufferWaterMark, value: .init(low: 256 * 1_024, high: 1_024 * 1_024)
    )
    .childChannelInitializer { channel in
      connections.track(channel)
      return channel.eventLoop.makeCompletedFuture {
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
        try channel.pipeline.syncOperations.addHandler(FakeHTTPHandler(router: router, logger: logger))
      }
    }
    .bind(host: configuration.host, port: configuration.port)
    .get()
  let port = channel.localAddress?.port ?? configuration.port
  logger.info(
    "fake Mixpanel server listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
  let handle = FakeServerHandle(
    host: configuration.host, port: port, requestLog: router.log, project: project, faults: router.faults)
  let result: T
  do {
    result = try await body(handle)
  } catch {
    try? await channel.close()
    await connections.closeAll()
    throw error
  }
  try? await channel.close()
  await connections.closeAll()
  logger.info("fake Mixpanel server stopped", metadata: ["port": "\(port)"])
  return result
}

/// Serves until the calling task is cancelled. `onListening` runs once the port is bound.
public func runFakeMixpanelServer(
  _ project: FakeProject,
  configuration: FakeServerConfiguration = FakeServerConfiguration(),
  logger: Logger,
  onListening: (FakeServerHandle) async throws -> Void = { _ in }
) async throws {
  try await withFakeMixpanelServer(project, configuration: configuration, logger: logger) { handle in
    try await onListening(handle)
    let stop = AsyncStream<Never>.makeStream()
    await withTaskCancellationHandler {
      for await _ in stop.stream {}
    } onCancel: {
      stop.continuation.finish()
    }
  }
}
