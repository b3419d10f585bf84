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

package dev.slotwise.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.slotwise.key.ClusterKeys;
import dev.slotwise.support.LettuceCommands;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Keeps the near caches' local copies honest: server-assisted invalidation
 * ({@code CLIENT TRACKING}) on every master, and the rule that says when a local copy may
 * be served as fresh.
 *
 * <p>
 * <b>Tracking.</b> On a cluster connection of its own, this opens a connection to every
 * master and turns tracking on in broadcast mode for the near caches' key prefixes
 * ({@code CLIENT TRACKING ON BCAST PREFIX <prefix><cache>:: ...}): each master then sends
 * an invalidation (a RESP3 push) for every write to a key with one of those prefixes,
 * whoever made it. Broadcast mode costs Redis no memory per key read, and it does not
 * depend on which connection read the key, so the application's own connections are left
 * as they are.
 *
 * <p>
 * <b>Heartbeat and the staleness bound.</b> Every quarter of the bound, each tracking
 * connection is asked {@code CLIENT ID}. Redis queues a write's invalidation before it
 * answers the writer, and answers a connection's commands in order, so when the answer to
 * a heartbeat sent at time <i>s</i> arrives, every invalidation of a write acknowledged
 * before <i>s</i> has been applied. A slot's copies are served as fresh only while such
 * an answer, from the master that owns the slot, is at most the bound old
 * ({@link #DEFAULT_MAX_STALENESS}): a write acknowledged anywhere is not read from a near
 * cache later than the bound after its acknowledgement. The id in the answer also tells a
 * reconnected connection, whose tracking Redis has forgotten, from the one tracking was
 * turned on for.
 *
 * <p>
 * <b>Epochs.</b> Each slot has an epoch, and a copy is served only under the epoch it was
 * stored in. The epoch moves, and every copy of the slot stops being fresh, when the
 * slot's master changes (a failover, a migration), when its tracking connection is lost
 * or replaced, when its heartbeat lapses (a hung master: its slots may be taken over
 * meanwhile), and when the master reports a flush. A read stores its value only if the
 * slot's epoch did not move while the read was on its way, and only while the slot is
 * covered.
 */
public final class NearCacheTracker implements InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(NearCacheTracker.class);

	/** Default staleness bound: 200 ms. */
	public static final Duration DEFAULT_MAX_STALENESS = Duration.ofMillis(200);

	private static final long NOT_TRACKING = -1;

	private final @Nullable RedisConnectionFactory connectionFactory;

	private final long boundNanos;

	private final Duration heartbeat;

	private final AtomicLongArray epochs = new AtomicLongArray(ClusterKeys.SLOT_COUNT);

	private final Map<String, Node> nodes = new ConcurrentHashMap<>();

	private volatile @Nullable Node[] owners = new Node[ClusterKeys.SLOT_COUNT];

	private final List<Registration> registrations = new CopyOnWriteArrayList<>();

	private final AtomicLong invalidations = new AtomicLong();

	private final AtomicLong trackingLosses = new AtomicLong();

	private final AtomicLongArray flushes = new AtomicLongArray(NearCacheFlush.values().length);

	private @Nullable RedisClusterClient client;

	private @Nullable CompletableFuture<StatefulRedisClusterConnection<String, String>> connection;

	private @Nullable Disposable subscription;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * Create a tracker for the cluster behind a connection factory, started by
	 * {@link #afterPropertiesSet()}.
	 * @param connectionFactory a Lettuce cluster connection factory
	 * @param maxStaleness the staleness bound: how old the last heartbeat answer of a
	 * slot's master may be for its copies to be served as fresh
	 */
	public NearCacheTracker(RedisConnectionFactory connectionFactory, Duration maxStaleness) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		Objects.requireNonNull(maxStaleness, "maxStaleness must not be null");
		if (maxStaleness.toMillis() < 20) {
			throw new IllegalArgumentException("maxStaleness must be at least 20ms, was " + maxStaleness
					+ ": the heartbeat runs four times per bound, and a shorter one would mostly measure scheduling");
		}
		this.boundNanos = maxStaleness.toNanos();
		this.heartbeat = maxStaleness.dividedBy(4);
	}

	/**
	 * Start the heartbeat, which opens the tracking connection (and opens it again until
	 * it succeeds, so that the application starts while Redis is away) and turns tracking
	 * on. Until then no copy is fresh, and caches read Redis.
	 */
	@Override
	public synchronized void afterPropertiesSet() {
		if (this.scheduler != null || this.connectionFactory == null) {
			return;
		}
		RedisClusterClient clusterClient = LettuceCommands.client(this.connectionFactory)
			.orElseThrow(() -> new IllegalStateException("The near cache needs Spring Boot's Lettuce client on a "
					+ "Redis Cluster (spring.data.redis.cluster.nodes)"));
		this.client = clusterClient;
		this.subscription = clusterClient.getResources()
			.eventBus()
			.get()
			.filter(ClusterTopologyChangedEvent.class::isInstance)
			.subscribe((event) -> update(((ClusterTopologyChangedEvent) event).after()),
					(failure) -> logger.warn("The near cache stopped following the cluster's topology", failure));
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "slotwise-near-cache");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler = executor;
		executor.scheduleWithFixedDelay(this::beat, 0, Math.max(1, this.heartbeat.toMillis()), TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void destroy() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
		if (this.subscription != null) {
			this.subscription.dispose();
			this.subscription = null;
		}
		if (this.connection != null) {
			this.connection.thenAccept(StatefulRedisClusterConnection::closeAsync);
			this.connection = null;
		}
	}

	/**
	 * The tracking connection, once open; the first call opens it.
	 */
	private synchronized @Nullable StatefulRedisClusterConnection<String, String> connection() {
		RedisClusterClient clusterClient = this.client;
		if (this.connection == null && clusterClient != null) {
			this.connection = clusterClient.connectAsync(StringCodec.UTF8).toCompletableFuture().thenApply((opened) -> {
				opened.addListener(this::onPush);
				update(opened.getPartitions().getPartitions());
				return opened;
			});
		}
		CompletableFuture<StatefulRedisClusterConnection<String, String>> opening = this.connection;
		if (opening == null || !opening.isDone()) {
			return null;
		}
		if (opening.isCompletedExceptionally()) {
			// No node answered: open it again on the next beat.
			this.connection = null;
			return null;
		}
		return opening.join();
	}

	/**
	 * Track the keys of a near cache from now on.
	 * @param prefix the keys' prefix ({@code <key prefix><cache name>::})
	 * @param cache what to tell of an invalidation
	 */
	void register(String prefix, Invalidated cache) {
		for (Registration existing : this.registrations) {
			if (existing.prefix.startsWith(prefix) || prefix.startsWith(existing.prefix)) {
				throw new IllegalArgumentException("The near cache of keys '" + prefix + "' overlaps the one of keys '"
						+ existing.prefix + "': Redis tracks prefixes that do not overlap. Rename one of the caches, "
						+ "or turn the near cache off for one of them.");
			}
		}
		this.registrations.add(new Registration(prefix, cache));
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.execute(this::beat);
		}
	}

	/**
	 * A slot's epoch: a copy stored under another epoch is not fresh.
	 * @param slot the slot
	 * @return the epoch
	 */
	long epoch(int slot) {
		return this.epochs.get(slot);
	}

	/**
	 * Whether copies of a slot's keys with a prefix may be served as fresh, and stored,
	 * now: the slot's master tracks the prefix and answered a heartbeat sent within the
	 * bound.
	 * @param slot the slot
	 * @param prefix the cache's key prefix
	 * @return whether the slot is covered
	 */
	boolean covered(int slot, String prefix) {
		Node owner = this.owners[slot];
		return owner != null && owner.covers(prefix, System.nanoTime());
	}

	/**
	 * Invalidations received: keys named in them, and flushes.
	 * @return the count
	 */
	public long invalidations() {
		return this.invalidations.get();
	}

	/**
	 * How often a master's tracking was lost or lapsed and its slots' copies stopped
	 * being fresh.
	 * @return the count
	 */
	public long trackingLosses() {
		return this.trackingLosses.get();
	}

	/**
	 * How often the copies of a master's slots stopped being fresh at once, by cause.
	 * @return the counts since start, one per cause
	 */
	public Map<NearCacheFlush, Long> flushes() {
		Map<NearCacheFlush, Long> counts = new EnumMap<>(NearCacheFlush.class);
		for (NearCacheFlush cause : NearCacheFlush.values()) {
			counts.put(cause, this.flushes.get(cause.ordinal()));
		}
		return counts;
	}

	/**
	 * How often the copies of a master's slots stopped being fresh for one cause.
	 * @param cause the cause
	 * @return the count since start
	 */
	public long flushes(NearCacheFlush cause) {
		return this.flushes.get(cause.ordinal());
	}

	/**
	 * The staleness bound.
	 * @return how long after its acknowledgement a write may still be unseen by a near
	 * cache
	 */
	public Duration maxStaleness() {
		return Duration.ofNanos(this.boundNanos);
	}

	/**
	 * Follow a new topology: every master gets a tracking connection, and a slot whose
	 * master changed moves to a new epoch.
	 * @param partitions the cluster's nodes, as Lettuce describes them
	 */
	void update(Collection<RedisClusterNode> partitions) {
		Node[] next = new Node[ClusterKeys.SLOT_COUNT];
		Map<Node, List<Integer>> slotsOf = new HashMap<>();
		for (RedisClusterNode node : partitions) {
			if (!node.is(RedisClusterNode.NodeFlag.UPSTREAM) || node.is(RedisClusterNode.NodeFlag.FAIL)) {
				continue;
			}
			Node tracked = this.nodes.computeIfAbsent(node.getNodeId(), Node::new);
			List<Integer> slots = slotsOf.computeIfAbsent(tracked, (key) -> new ArrayList<>());
			for (int slot : node.getSlots()) {
				next[slot] = tracked;
				slots.add(slot);
			}
		}
		synchronized (this) {
			Node[] previous = this.owners;
			slotsOf.forEach((node, slots) -> node.slots = slots.stream().mapToInt(Integer::intValue).toArray());
			boolean moved = false;
			for (int slot = 0; slot < next.length; slot++) {
				if (previous[slot] != next[slot]) {
					this.epochs.incrementAndGet(slot);
					// A slot that had no owner yet (the first topology) held no copy.
					moved |= previous[slot] != null;
				}
			}
			if (moved) {
				count(NearCacheFlush.OWNER_CHANGED);
			}
			this.owners = next;
			this.nodes.values().removeIf((node) -> !slotsOf.containsKey(node));
		}
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.execute(this::beat);
		}
	}

	/** One heartbeat: connect and track where needed, then ask every master its id. */
	private void beat() {
		StatefulRedisClusterConnection<String, String> cluster = connection();
		if (cluster == null) {
			return;
		}
		List<String> prefixes = this.registrations.stream().map(Registration::prefix).toList();
		long now = System.nanoTime();
		for (Node node : this.nodes.values()) {
			if (node.coveredUntil != 0 && now > node.coveredUntil) {
				// A lapse: the master may be hung, and its slots taken over meanwhile.
				lose(node, NearCacheFlush.HEARTBEAT_LAPSED, "its heartbeat lapsed");
			}
			if (node.pending) {
				continue;
			}
			node.pending = true;
			long sent = System.nanoTime();
			cluster.getConnectionAsync(node.id)
				.thenCompose((connection) -> answer(node, connection, prefixes, sent))
				.whenComplete((ignored, failure) -> {
					node.pending = false;
					if (failure != null && logger.isDebugEnabled()) {
						logger.debug("No heartbeat from " + node.id + ": " + failure);
					}
				});
		}
	}

	private CompletableFuture<Void> answer(Node node, StatefulRedisConnection<String, String> connection,
			List<String> prefixes, long sent) {
		return connection.async().clientId().toCompletableFuture().thenCompose((id) -> {
			if (node.clientId == id && node.tracked.containsAll(prefixes)) {
				node.answered(sent + this.boundNanos);
				return CompletableFuture.completedFuture(null);
			}
			if (node.clientId != NOT_TRACKING && node.clientId != id) {
				lose(node, NearCacheFlush.RECONNECT, "its tracking connection was replaced (a reconnect)");
			}
			List<String> missing = (node.clientId == id)
					? prefixes.stream().filter((p) -> !node.tracked.contains(p)).toList() : prefixes;
			if (missing.isEmpty()) {
				return CompletableFuture.completedFuture(null);
			}
			TrackingArgs args = TrackingArgs.Builder.enabled().bcast().prefixes(missing.toArray(String[]::new));
			return connection.async().clientTracking(args).toCompletableFuture().handle((ok, failure) -> {
				if (failure != null) {
					logger
						.error("Node " + node.id + " refused CLIENT TRACKING (" + failure.getMessage() + "): the near "
								+ "cache serves none of its slots' copies. It needs Redis 6 or later and a client "
								+ "speaking RESP3 (leave Lettuce's protocol version at its default).");
					return null;
				}
				boolean first = node.clientId != id;
				node.tracking(id, missing, first);
				if (first) {
					// Copies stored before this tracking began may have missed
					// invalidations.
					bump(node, NearCacheFlush.TRACKING_STARTED);
				}
				return null;
			});
		});
	}

	private void lose(Node node, NearCacheFlush cause, String why) {
		if (node.coveredUntil == 0 && node.clientId == NOT_TRACKING) {
			return;
		}
		this.trackingLosses.incrementAndGet();
		node.coveredUntil = 0;
		bump(node, cause);
		// A starved machine may lapse often: the meter counts every loss, the log tells
		// at info only of a lost connection.
		if (why.startsWith("its heartbeat") ? logger.isDebugEnabled() : logger.isInfoEnabled()) {
			String message = "Near cache: the copies of " + node.id + "'s slots are no longer fresh: " + why;
			if (why.startsWith("its heartbeat")) {
				logger.debug(message);
			}
			else {
				logger.info(message);
			}
		}
	}

	private void bump(Node node, NearCacheFlush cause) {
		for (int slot : node.slots) {
			this.epochs.incrementAndGet(slot);
		}
		count(cause);
	}

	private void count(NearCacheFlush cause) {
		this.flushes.incrementAndGet(cause.ordinal());
	}

	private void onPush(RedisClusterNode from, PushMessage message) {
		if (!"invalidate".equals(message.getType())) {
			return;
		}
		List<Object> content = message.getContent(NearCacheTracker::utf8);
		Object keys = (content.size() > 1) ? content.get(1) : null;
		if (keys instanceof List<?> list) {
			for (Object key : list) {
				this.invalidations.incrementAndGet();
				if (key instanceof String name) {
					for (Registration registration : this.registrations) {
						if (name.startsWith(registration.prefix)) {
							registration.cache.invalidate(name);
						}
					}
				}
			}
			return;
		}
		// A null list: the master flushed its keys (FLUSHALL, or a replica's full sync).
		this.invalidations.incrementAndGet();
		Node node = this.nodes.get(from.getNodeId());
		if (node != null) {
			bump(node, NearCacheFlush.MASTER_FLUSHED);
		}
	}

	private static Object utf8(ByteBuffer buffer) {
		return StandardCharsets.UTF_8.decode(buffer).toString();
	}

	/** What a near cache is told. */
	interface Invalidated {

		/**
		 * A key changed in Redis.
		 * @param key the Redis key
		 */
		void invalidate(String key);

	}

	private record Registration(String prefix, Invalidated cache) {
	}

	/** The tracking state of one master. */
	private static final class Node {

		final String id;

		volatile long clientId = NOT_TRACKING;

		volatile Set<String> tracked = Set.of();

		/** Until when (System.nanoTime) its slots' copies are fresh; 0 for not at all. */
		volatile long coveredUntil;

		volatile int[] slots = new int[0];

		volatile boolean pending;

		Node(String id) {
			this.id = id;
		}

		boolean covers(String prefix, long now) {
			return now <= this.coveredUntil && this.tracked.contains(prefix);
		}

		synchronized void tracking(long id, List<String> added, boolean fresh) {
			Set<String> all = new HashSet<>();
			if (!fresh) {
				all.addAll(this.tracked);
			}
			all.addAll(added);
			this.tracked = Set.copyOf(all);
			this.clientId = id;
		}

		void answered(long until) {
			if (until > this.coveredUntil) {
				this.coveredUntil = until;
			}
		}

	}

}
