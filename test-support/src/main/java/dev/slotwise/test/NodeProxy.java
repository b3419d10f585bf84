/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.slotwise.test.NodeNetwork.Direction;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy in front of one node's client port, which {@link NodeNetwork} makes
 * misbehave. Each accepted connection gets its own connection to the node; both run on
 * one event loop, so a connection's state needs no locks. Bytes flow through a queue per
 * direction, released by a pump that applies the current faults: hold everything one or
 * both ways (blackhole), drop replies (half-open), release each read only once its delay
 * has passed, and release at most the allowed bytes per second in 20 ms slices. A queue
 * holding more than {@value #HIGH_WATER} bytes stops reading from its source, as a full
 * TCP window would.
 *
 * <p>
 * A connection is told apart as a replica's replication link by its first commands
 * ({@code PING} and {@code AUTH}, then {@code REPLCONF} or {@code PSYNC}); one that
 * starts with anything else is a client. Until it is told apart it is taken for a client,
 * so that a fault hits a connection that has not spoken yet; a replica that connects
 * while a fault lasts is therefore hit until it gets its {@code REPLCONF} through.
 */
final class NodeProxy implements AutoCloseable {

	private static final int HIGH_WATER = 1 << 20;

	/**
	 * A connection whose first bytes say nothing after this many is taken for a client.
	 */
	private static final int SNIFF_LIMIT = 4096;

	private static final long SLICES_PER_SECOND = 50;

	private final String name;

	private final InetSocketAddress address;

	private final InetSocketAddress target;

	private final EventLoopGroup group;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private volatile Faults faults = Faults.NONE;

	private @Nullable Channel listener;

	private boolean closed;

	/**
	 * Listen on {@code host:port} and forward to {@code host:targetPort}.
	 */
	NodeProxy(String name, String host, int port, int targetPort, EventLoopGroup group) {
		this.name = name;
		this.address = new InetSocketAddress(host, port);
		this.target = new InetSocketAddress(host, targetPort);
		this.group = group;
	}

	synchronized NodeProxy start() {
		listen();
		return this;
	}

	int port() {
		return this.address.getPort();
	}

	Faults faults() {
		return this.faults;
	}

	private void listen() {
		ServerBootstrap bootstrap = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.option(ChannelOption.SO_REUSEADDR, true)
			.childOption(ChannelOption.AUTO_READ, false)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline().addLast(new Link(channel).fromClient());
				}

			});
		ChannelFuture bound = bootstrap.bind(this.address).awaitUninterruptibly();
		if (!bound.isSuccess()) {
			throw new IllegalStateException(
					"The network-fault proxy of " + this.name + " could not listen on " + this.address, bound.cause());
		}
		this.listener = bound.channel();
	}

	/**
	 * Change the faults and apply them to every connection before returning.
	 */
	synchronized void change(UnaryOperator<Faults> change) {
		this.faults = change.apply(this.faults);
		if (this.faults.mode() == Mode.CUT && this.listener != null) {
			this.listener.close().awaitUninterruptibly();
			this.listener = null;
		}
		forEachLink(Link::refresh);
	}

	synchronized void heal() {
		this.faults = Faults.NONE;
		if (this.listener == null && !this.closed) {
			listen();
		}
		forEachLink(Link::heal);
	}

	private void forEachLink(Consumer<Link> action) {
		List<Future<?>> applied = new ArrayList<>();
		for (Link link : this.links) {
			applied.add(link.client.eventLoop().submit(() -> action.accept(link)));
		}
		for (Future<?> future : applied) {
			future.awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.listener != null) {
			this.listener.close().awaitUninterruptibly();
			this.listener = null;
		}
		forEachLink(Link::close);
	}

	/**
	 * Close a channel with a TCP reset rather than a FIN.
	 */
	private static void reset(@Nullable Channel channel) {
		if (channel != null && channel.isOpen()) {
			if (channel.isActive()) {
				channel.config().setOption(ChannelOption.SO_LINGER, 0);
			}
			channel.close();
		}
	}

	/**
	 * Whether the first commands of a connection show a client or a replica, or
	 * {@code null} while they do not tell yet. Reads past the commands it has looked at.
	 * @param in the connection's first bytes
	 * @return the role, or {@code null}
	 */
	static @Nullable Role roleOf(ByteBuf in) {
		while (true) {
			int start = in.readerIndex();
			String command = commandName(in);
			if (command == null) {
				in.readerIndex(start);
				return null;
			}
			switch (command.toUpperCase(Locale.ROOT)) {
				case "REPLCONF", "PSYNC", "SYNC" -> {
					return Role.REPLICATION;
				}
				case "PING", "AUTH", "" -> {
					// A replica starts with these too: look at the next command.
				}
				default -> {
					return Role.CLIENT;
				}
			}
		}
	}

	/**
	 * The first word of the next command (RESP array or inline), or {@code null} if the
	 * command is not complete yet.
	 */
	private static @Nullable String commandName(ByteBuf in) {
		if (!in.isReadable()) {
			return null;
		}
		if (in.getByte(in.readerIndex()) != '*') {
			String inline = line(in);
			return (inline != null) ? inline.trim().split(" ", 2)[0] : null;
		}
		String header = line(in);
		if (header == null) {
			return null;
		}
		try {
			int count = Integer.parseInt(header.substring(1));
			String first = null;
			for (int i = 0; i < count; i++) {
				String bulk = line(in);
				if (bulk == null) {
					return null;
				}
				if (!bulk.startsWith("$")) {
					return "?";
				}
				int length = Integer.parseInt(bulk.substring(1));
				if (in.readableBytes() < length + 2) {
					return null;
				}
				String argument = in.toString(in.readerIndex(), length, StandardCharsets.US_ASCII);
				in.skipBytes(length + 2);
				first = (first != null) ? first : argument;
			}
			return (first != null) ? first : "?";
		}
		catch (NumberFormatException ex) {
			return "?";
		}
	}

	private static @Nullable String line(ByteBuf in) {
		int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
		if (end < 0) {
			return null;
		}
		String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.US_ASCII);
		in.readerIndex(end + 1);
		return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
	}

	@Override
	public String toString() {
		return "NodeProxy(" + this.name + " " + this.address.getPort() + " -> " + this.target.getPort() + ")";
	}

	enum Mode {

		NONE, CUT, BLACKHOLE, HALF_OPEN

	}

	enum Role {

		UNKNOWN, CLIENT, REPLICATION

	}

	/**
	 * Delay, jitter and bandwidth for one direction; zero means none.
	 */
	record Shaping(long delayNanos, long jitterNanos, long bytesPerSecond) {

		static final Shaping NONE = new Shaping(0, 0, 0);

		boolean delays() {
			return this.delayNanos > 0 || this.jitterNanos > 0;
		}

		long sampleDelay() {
			long jitter = (this.jitterNanos > 0)
					? ThreadLocalRandom.current().nextLong(-this.jitterNanos, this.jitterNanos + 1) : 0;
			return Math.max(0, this.delayNanos + jitter);
		}

	}

	/**
	 * The faults in force on one node's network.
	 */
	record Faults(Mode mode, Direction held, boolean replication, Shaping requests, Shaping replies) {

		static final Faults NONE = new Faults(Mode.NONE, Direction.BOTH, false, Shaping.NONE, Shaping.NONE);

		Faults withMode(Mode mode) {
			return new Faults(mode, Direction.BOTH, this.replication, this.requests, this.replies);
		}

		/**
		 * A blackhole one or both ways: the bytes flowing that way are held.
		 */
		Faults withBlackhole(Direction held) {
			return new Faults(Mode.BLACKHOLE, held, this.replication, this.requests, this.replies);
		}

		Faults withReplication() {
			return new Faults(this.mode, this.held, true, this.requests, this.replies);
		}

		/**
		 * Whether a blackhole holds the bytes flowing one way.
		 */
		boolean holds(Direction direction) {
			return this.mode == Mode.BLACKHOLE && (this.held == Direction.BOTH || this.held == direction);
		}

		Faults withDelay(Direction direction, long delayNanos, long jitterNanos) {
			return new Faults(this.mode, this.held, this.replication,
					(direction != Direction.REPLIES)
							? new Shaping(delayNanos, jitterNanos, this.requests.bytesPerSecond()) : this.requests,
					(direction != Direction.REQUESTS)
							? new Shaping(delayNanos, jitterNanos, this.replies.bytesPerSecond()) : this.replies);
		}

		Faults withBandwidth(Direction direction, long bytesPerSecond) {
			return new Faults(this.mode, this.held, this.replication,
					(direction != Direction.REPLIES)
							? new Shaping(this.requests.delayNanos(), this.requests.jitterNanos(), bytesPerSecond)
							: this.requests,
					(direction != Direction.REQUESTS)
							? new Shaping(this.replies.delayNanos(), this.replies.jitterNanos(), bytesPerSecond)
							: this.replies);
		}

		/**
		 * Whether these faults hit a connection: any but a replication link, unless
		 * replication is included.
		 */
		boolean hit(Role role) {
			return role != Role.REPLICATION || this.replication;
		}

		Shaping shaping(Direction direction) {
			return (direction == Direction.REQUESTS) ? this.requests : this.replies;
		}

	}

	private record Chunk(ByteBuf bytes, long dueNanos) {
	}

	/**
	 * One client connection and its connection to the node. Touched only on the client
	 * channel's event loop, which the node's channel shares.
	 */
	private final class Link {

		private final Channel client;

		private @Nullable Channel server;

		private Role role = Role.UNKNOWN;

		private @Nullable ByteBuf firstBytes;

		private boolean lostReplies;

		private boolean closed;

		private final Pipe requests = new Pipe(Direction.REQUESTS);

		private final Pipe replies = new Pipe(Direction.REPLIES);

		Link(Channel client) {
			this.client = client;
		}

		ChannelInboundHandlerAdapter fromClient() {
			return new ChannelInboundHandlerAdapter() {

				@Override
				public void channelActive(ChannelHandlerContext context) {
					NodeProxy.this.links.add(Link.this);
					if (NodeProxy.this.faults.mode() == Mode.CUT) {
						reset(Link.this.client);
						return;
					}
					connect();
				}

				@Override
				public void channelRead(ChannelHandlerContext context, Object message) {
					ByteBuf bytes = (ByteBuf) message;
					if (Link.this.role == Role.UNKNOWN) {
						learnRole(bytes);
					}
					Link.this.requests.offer(bytes);
				}

				@Override
				public void channelInactive(ChannelHandlerContext context) {
					close();
				}

				@Override
				public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
					close();
				}

			};
		}

		private void connect() {
			new Bootstrap().group(this.client.eventLoop())
				.channel(NioSocketChannel.class)
				.option(ChannelOption.AUTO_READ, false)
				.option(ChannelOption.TCP_NODELAY, true)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
				.handler(fromServer())
				.connect(NodeProxy.this.target)
				.addListener((ChannelFuture connected) -> {
					if (!connected.isSuccess()) {
						// The node is down: the client sees what it would see without us.
						reset(this.client);
						close();
						return;
					}
					this.server = connected.channel();
					if (!this.client.isActive()) {
						close();
						return;
					}
					refresh();
				});
		}

		private ChannelInboundHandlerAdapter fromServer() {
			return new ChannelInboundHandlerAdapter() {

				@Override
				public void channelRead(ChannelHandlerContext context, Object message) {
					Link.this.replies.offer((ByteBuf) message);
				}

				@Override
				public void channelInactive(ChannelHandlerContext context) {
					Link.this.replies.finish();
				}

				@Override
				public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
					close();
				}

			};
		}

		private void learnRole(ByteBuf bytes) {
			if (this.firstBytes == null) {
				this.firstBytes = Unpooled.buffer();
			}
			this.firstBytes.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
			Role learned = roleOf(this.firstBytes);
			if (learned == null && this.firstBytes.writerIndex() > SNIFF_LIMIT) {
				learned = Role.CLIENT;
			}
			if (learned != null) {
				this.role = learned;
				this.firstBytes.release();
				this.firstBytes = null;
			}
		}

		/**
		 * Apply the current faults: reset if cut, otherwise release what may go now and
		 * read only what may be read.
		 */
		void refresh() {
			Faults faults = NodeProxy.this.faults;
			if (faults.mode() == Mode.CUT && faults.hit(this.role)) {
				reset(this.client);
				close();
				return;
			}
			this.requests.pump();
			this.replies.pump();
			updateReading();
		}

		void heal() {
			if (this.lostReplies) {
				reset(this.client);
				close();
			}
			else {
				refresh();
			}
		}

		private void updateReading() {
			Faults faults = NodeProxy.this.faults;
			boolean hit = faults.hit(this.role);
			Channel server = this.server;
			if (server == null) {
				return;
			}
			if (this.client.isActive()) {
				this.client.config()
					.setAutoRead(!(hit && faults.holds(Direction.REQUESTS)) && this.requests.queued < HIGH_WATER);
			}
			if (server.isActive()) {
				server.config()
					.setAutoRead(!(hit && faults.holds(Direction.REPLIES)) && this.replies.queued < HIGH_WATER);
			}
		}

		void close() {
			this.closed = true;
			NodeProxy.this.links.remove(this);
			this.client.close();
			if (this.server != null) {
				this.server.close();
			}
			this.requests.discard();
			this.replies.discard();
			if (this.firstBytes != null) {
				this.firstBytes.release();
				this.firstBytes = null;
			}
		}

		/**
		 * The bytes flowing one way, with what the faults still hold back.
		 */
		private final class Pipe {

			private final Direction direction;

			private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();

			private long queued;

			private long lastDueNanos;

			private long nextSliceNanos;

			private boolean finished;

			private @Nullable ScheduledFuture<?> wake;

			private long wakeNanos;

			Pipe(Direction direction) {
				this.direction = direction;
			}

			private @Nullable Channel destination() {
				return (this.direction == Direction.REQUESTS) ? Link.this.server : Link.this.client;
			}

			void offer(ByteBuf bytes) {
				if (Link.this.closed) {
					bytes.release();
					return;
				}
				Faults faults = NodeProxy.this.faults;
				Shaping shaping = faults.shaping(this.direction);
				long now = System.nanoTime();
				long due = (faults.hit(Link.this.role) && shaping.delays()) ? now + shaping.sampleDelay() : now;
				// Bytes never overtake one another, however the jitter falls.
				this.lastDueNanos = Math.max(due, this.lastDueNanos);
				this.chunks.add(new Chunk(bytes, this.lastDueNanos));
				this.queued += bytes.readableBytes();
				pump();
				updateReading();
			}

			void finish() {
				this.finished = true;
				pump();
			}

			void pump() {
				Channel destination = destination();
				if (destination == null) {
					return;
				}
				Faults faults = NodeProxy.this.faults;
				boolean hit = faults.hit(Link.this.role);
				if (hit && (faults.holds(this.direction) || faults.mode() == Mode.CUT)) {
					return;
				}
				Shaping shaping = hit ? faults.shaping(this.direction) : Shaping.NONE;
				boolean dropReplies = hit && faults.mode() == Mode.HALF_OPEN && this.direction == Direction.REPLIES;
				long now = System.nanoTime();
				boolean wrote = false;
				while (!this.chunks.isEmpty()) {
					Chunk chunk = this.chunks.peek();
					if (dropReplies) {
						this.chunks.poll();
						this.queued -= chunk.bytes().readableBytes();
						chunk.bytes().release();
						Link.this.lostReplies = true;
						continue;
					}
					if (shaping.delays() && chunk.dueNanos() > now) {
						wakeAt(chunk.dueNanos(), now);
						break;
					}
					ByteBuf out;
					if (shaping.bytesPerSecond() > 0) {
						if (this.nextSliceNanos > now) {
							wakeAt(this.nextSliceNanos, now);
							break;
						}
						long sliceBytes = Math.max(1, shaping.bytesPerSecond() / SLICES_PER_SECOND);
						int size = (int) Math.min(chunk.bytes().readableBytes(), sliceBytes);
						out = chunk.bytes().readRetainedSlice(size);
						if (!chunk.bytes().isReadable()) {
							this.chunks.poll();
							chunk.bytes().release();
						}
						this.nextSliceNanos = Math.max(this.nextSliceNanos, now)
								+ size * TimeUnit.SECONDS.toNanos(1) / shaping.bytesPerSecond();
					}
					else {
						this.chunks.poll();
						out = chunk.bytes();
					}
					this.queued -= out.readableBytes();
					destination.write(out);
					wrote = true;
				}
				if (wrote) {
					destination.flush();
				}
				if (this.chunks.isEmpty() && this.finished) {
					destination.close();
				}
			}

			private void wakeAt(long dueNanos, long now) {
				if (this.wake != null && !this.wake.isDone() && this.wakeNanos <= dueNanos) {
					return;
				}
				if (this.wake != null) {
					this.wake.cancel(false);
				}
				this.wakeNanos = dueNanos;
				this.wake = Link.this.client.eventLoop().schedule(() -> {
					this.wake = null;
					pump();
					updateReading();
				}, dueNanos - now, TimeUnit.NANOSECONDS);
			}

			void discard() {
				if (this.wake != null) {
					this.wake.cancel(false);
					this.wake = null;
				}
				while (!this.chunks.isEmpty()) {
					this.chunks.poll().bytes().release();
				}
				this.queued = 0;
			}

		}

	}

}
