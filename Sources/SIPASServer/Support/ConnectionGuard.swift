import Hummingbird
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Limits on connections that a client, slow or hostile, cannot hold open for free: at most
/// `maxConnections` at once (the next is closed at once), idle or half-sent requests closed
/// after `idleTimeout` (Hummingbird's own idle timer covers a connection before its headers are
/// complete and between requests), and a request body whose next bytes do not come within
/// `bodyTimeout` closed too.
public struct ConnectionLimits: Sendable {
    public var maxConnections: Int
    public var idleTimeout: TimeAmount
    public var bodyTimeout: TimeAmount

    public init(maxConnections: Int = 1_000, idleTimeout: TimeAmount = .seconds(30), bodyTimeout: TimeAmount = .seconds(30)) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
    }
}

/// Counts the open connections of one server.
final class ConnectionCount: Sendable {
    let open = Atomic<Int>(0)
}

/// Closes a connection over the cap as soon as it opens, and a request whose body stalls.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let count: ConnectionCount
    private let limits: ConnectionLimits
    private var counted = false
    private var bodyTimer: Scheduled<Void>?

    init(count: ConnectionCount, limits: ConnectionLimits) {
        self.count = count
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        if count.open.wrappingAdd(1, ordering: .relaxed).newValue > limits.maxConnections {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted { count.open.wrappingSubtract(1, ordering: .relaxed); counted = false }
        bodyTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head, .body: armBodyTimer(context)
        case .end:
            bodyTimer?.cancel()
            bodyTimer = nil
        }
        context.fireChannelRead(data)
    }

    private func armBodyTimer(_ context: ChannelHandlerContext) {
        bodyTimer?.cancel()
        let channel = context.channel
        bodyTimer = context.eventLoop.scheduleTask(in: limits.bodyTimeout) { channel.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }
}
