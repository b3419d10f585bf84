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

package dev.slotwise.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.slotwise.cluster.OutageReason;
import dev.slotwise.cluster.RedisOutage;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.monitor.ClusterSnapshot.Master;
import dev.slotwise.monitor.ClusterSnapshot.Replica;
import dev.slotwise.monitor.ClusterSnapshot.SlotRange;
import dev.slotwise.support.LettuceCommands;
import dev.slotwise.support.NodeInfo;
import dev.slotwise.support.PeriodicTask;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Watches the cluster in the background. Every poll reads {@code CLUSTER NODES} and
 * {@code CLUSTER INFO} from one node (the one that answered last, so that a frozen or
 * unreachable node costs at most one node timeout before the next is asked) and
 * {@code INFO replication} from every master in parallel, through Spring Data's
 * {@code serverCommands().info(node, section)}, waiting at most the node timeout (a
 * master lists each replica's acknowledged offset and the seconds since its last
 * acknowledgement, which a frozen replica cannot report itself), then:
 * <ul>
 * <li>marks the slots of masters the cluster flags {@code fail} or {@code fail?} in
 * {@link SlotHealth}, so that callers fail fast on those slots before any of them waits
 * out a command timeout (it never marks a slot healthy: marks run out after the probe
 * interval, and the next call probes);</li>
 * <li>publishes a {@link ClusterSnapshot} ({@link #snapshot()}) with each replica's lag
 * in bytes and the time since its last acknowledgement, as its master reports them, and
 * whether each master answered this instance at all: a master whose reads fail or go
 * unanswered at two polls in a row while the cluster flags it neither {@code fail} nor
 * {@code fail?} is {@link ClusterSnapshot#unreachableFromHere() unreachable from here}
 * (the network between this instance and it is broken, not the cluster);</li>
 * <li>publishes a {@link ClusterEvent} for each change since the previous poll: the
 * state, slots failing or recovered, a failover.</li>
 * </ul>
 * The first poll sets the baseline: it publishes no event.
 */
public class ClusterMonitor implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ClusterMonitor.class);

	private final RedisConnectionFactory connectionFactory;

	private final @Nullable SlotHealth slotHealth;

	private final Settings settings;

	private final Clock clock;

	private final Consumer<ClusterEvent> events;

	private volatile ClusterSnapshot snapshot;

	private @Nullable ClusterSnapshot previous;

	private final PeriodicTask poller;

	private volatile boolean lastPollFailed;

	private int failedPolls;

	/** Polls that may fail in a row before the snapshot turns unknown. */
	private static final int TOLERATED_FAILED_POLLS = 2;

	/** How long {@link #stop()} waits at least for a poll in progress. */
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);

	private volatile String lastAnswered = "";

	/** Reads of each master's {@code INFO replication}, by node id. */
	private final Map<String, CompletableFuture<Properties>> infoReads = new HashMap<>();

	/** Runs the reads of {@code INFO replication}: a thread per master at most. */
	private final ExecutorService infoReaders = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "slotwise-cluster-monitor-info");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * Polls in a row at which a master's {@code INFO replication} went unanswered, by
	 * node id.
	 */
	private final Map<String, Integer> unansweredPolls = new HashMap<>();

	/**
	 * Polls in a row a master must leave unanswered before it counts as unreachable from
	 * here: one slow answer on a loaded machine is not news.
	 */
	private static final int UNREACHABLE_AFTER_POLLS = 2;

	/** Every node seen at a poll, by id, as it was last seen. */
	private final Map<String, KnownNode> knownNodes = new HashMap<>();

	private final List<Consumer<ClusterSnapshot>> pollListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final java.util.concurrent.atomic.AtomicLong failovers = new java.util.concurrent.atomic.AtomicLong();

	private final java.util.concurrent.atomic.AtomicLong clientRefreshes = new java.util.concurrent.atomic.AtomicLong();

	/**
	 * Create a monitor.
	 * @param connectionFactory the cluster connection factory
	 * @param slotHealth where failing slots are marked, or {@code null} not to mark them
	 * @param settings interval and thresholds
	 * @param clock the clock for snapshot times
	 * @param events receives each change (for example Spring's event publisher)
	 */
	public ClusterMonitor(RedisConnectionFactory connectionFactory, @Nullable SlotHealth slotHealth, Settings settings,
			Clock clock, Consumer<ClusterEvent> events) {
		this.connectionFactory = connectionFactory;
		this.slotHealth = slotHealth;
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		this.clock = clock;
		this.events = events;
		this.snapshot = ClusterSnapshot.unknown(clock.instant(), ClusterSnapshot.NOT_POLLED);
		this.poller = new PeriodicTask("slotwise-cluster-monitor", Duration.ZERO, settings.interval(),
				PeriodicTask.Pacing.FIXED_DELAY, this::poll);
	}

	/**
	 * The latest snapshot.
	 * @return the snapshot; {@link ClusterSnapshot#isUnknown() unknown} before the first
	 * poll
	 */
	public ClusterSnapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * Call a listener with the snapshot after every poll (metrics use this).
	 * @param listener the listener
	 */
	public void addPollListener(Consumer<ClusterSnapshot> listener) {
		this.pollListeners.add(listener);
	}

	/**
	 * Failovers seen since the monitor started.
	 * @return the count
	 */
	public long failovers() {
		return this.failovers.get();
	}

	/**
	 * The interval and thresholds.
	 * @return the settings
	 */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * Poll once: read the cluster, mark failing slots, publish the snapshot and the
	 * changes. Called by the monitor's own thread; public for tests.
	 * @return the new snapshot
	 */
	public synchronized ClusterSnapshot poll() {
		ClusterSnapshot current;
		try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
			StatefulRedisClusterConnection<byte[], byte[]> cluster = LettuceCommands.stateful(connection);
			current = read(cluster);
			if (!current.isUnknown()) {
				refreshClientIfBehind(cluster, current);
			}
		}
		catch (RuntimeException ex) {
			current = ClusterSnapshot.unknown(this.clock.instant(),
					RedisOutage.reason(ex).map(OutageReason::tag).orElse(ex.getMessage()));
		}
		if (current.isUnknown()) {
			if (!this.lastPollFailed) {
				logger.info("Could not read the cluster's state (" + current.error()
						+ "); slots are still marked from the errors callers see");
			}
			this.lastPollFailed = true;
			if (++this.failedPolls <= TOLERATED_FAILED_POLLS && this.previous != null && !this.previous.isUnknown()) {
				// One failed poll is not news: keep the last view until it happens again.
				return this.snapshot;
			}
		}
		else {
			this.lastPollFailed = false;
			this.failedPolls = 0;
			markFailing(current);
		}
		publish(current);
		return current;
	}

	/**
	 * When the client routes a slot to another node than the cluster does (a failover it
	 * has not noticed: a hung master neither closes its connections nor answers MOVED),
	 * refresh the client's topology now rather than at its next periodic refresh. Until
	 * then its commands for those slots go to the old master, which, if it resumes,
	 * accepts writes until gossip demotes it, and those writes are lost.
	 */
	private void refreshClientIfBehind(StatefulRedisClusterConnection<byte[], byte[]> cluster,
			ClusterSnapshot current) {
		RedisClusterClient client = LettuceCommands.client(this.connectionFactory).orElse(null);
		if (client == null || client.isTopologyRefreshInProgress()) {
			return;
		}
		Partitions routing = cluster.getPartitions();
		for (Master master : current.masters()) {
			for (SlotRange range : master.slots()) {
				for (int slot = range.from(); slot <= range.to(); slot++) {
					RedisClusterNode routed = routing.getPartitionBySlot(slot);
					if (routed == null || !master.id().equals(routed.getNodeId())) {
						logger.info("The client routes slot " + slot + " to "
								+ ((routed != null) ? address(routed) : "no node") + " but " + master.address()
								+ " serves it; refreshing the client's topology");
						this.clientRefreshes.incrementAndGet();
						client.refreshPartitionsAsync();
						return;
					}
				}
			}
		}
	}

	/**
	 * How often the monitor found the client's routing behind the cluster and refreshed
	 * it.
	 * @return the count
	 */
	public long clientRefreshes() {
		return this.clientRefreshes.get();
	}

	private ClusterSnapshot read(StatefulRedisClusterConnection<byte[], byte[]> cluster) {
		List<RedisClusterNode> candidates = new ArrayList<>(cluster.getPartitions().getPartitions());
		candidates.sort((a, b) -> Boolean.compare(!a.getNodeId().equals(this.lastAnswered),
				!b.getNodeId().equals(this.lastAnswered)));
		RuntimeException failure = null;
		for (RedisClusterNode candidate : candidates) {
			try {
				var commands = cluster.getConnection(candidate.getNodeId()).async();
				String nodes = withinNodeTimeout(commands.clusterNodes().toCompletableFuture());
				String info = withinNodeTimeout(commands.clusterInfo().toCompletableFuture());
				this.lastAnswered = candidate.getNodeId();
				return snapshot(ClusterPartitionParser.parse(nodes), NodeInfo.parse(info), address(candidate));
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		return ClusterSnapshot.unknown(this.clock.instant(), (failure != null)
				? RedisOutage.reason(failure).map(OutageReason::tag).orElse(String.valueOf(failure.getMessage()))
				: "no known nodes");
	}

	/**
	 * The answer of one node, waited for at most the node timeout (not the client's
	 * command timeout): a node that hangs, or that this instance cannot reach, costs the
	 * poll that long before it asks the next one.
	 */
	private String withinNodeTimeout(CompletableFuture<String> reply) {
		try {
			return reply.get(this.settings.nodeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			reply.cancel(false);
			throw new RedisCommandTimeoutException(
					"No answer within the monitor's node timeout " + this.settings.nodeTimeout());
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw (cause instanceof RuntimeException runtime) ? runtime : new RedisException(cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisCommandInterruptedException(ex);
		}
	}

	private ClusterSnapshot snapshot(Partitions view, Properties info, String answeredBy) {
		Map<String, CompletableFuture<Properties>> replication = new LinkedHashMap<>();
		for (RedisClusterNode node : view) {
			if (node.is(NodeFlag.UPSTREAM) && !node.is(NodeFlag.FAIL) && !node.is(NodeFlag.NOADDR)) {
				replication.put(node.getNodeId(), replicationInfo(node));
			}
		}
		List<Master> masters = new ArrayList<>();
		Map<String, Integer> unanswered = new HashMap<>();
		for (RedisClusterNode node : view) {
			if (!node.is(NodeFlag.UPSTREAM)) {
				continue;
			}
			CompletableFuture<Properties> read = replication.get(node.getNodeId());
			Properties masterInfo = answer(read);
			boolean answered = read == null || !masterInfo.isEmpty();
			int misses = answered ? 0 : this.unansweredPolls.getOrDefault(node.getNodeId(), 0) + 1;
			unanswered.put(node.getNodeId(), misses);
			Map<String, ReplicaLink> links = replicaLinks(masterInfo);
			long masterOffset = NodeInfo.number(masterInfo, "master_repl_offset", -1);
			List<Replica> replicas = new ArrayList<>();
			for (RedisClusterNode candidate : view) {
				if (candidate.is(NodeFlag.REPLICA) && node.getNodeId().equals(candidate.getSlaveOf())) {
					replicas.add(replica(candidate, links.get(address(candidate)), masterOffset));
				}
			}
			BitSet slots = new BitSet(SlotHash.SLOT_COUNT);
			node.forEachSlot(slots::set);
			masters.add(new Master(node.getNodeId(), address(node), flags(node), SlotRange.of(slots), masterOffset,
					replicas, misses < UNREACHABLE_AFTER_POLLS));
		}
		this.unansweredPolls.clear();
		this.unansweredPolls.putAll(unanswered);
		return new ClusterSnapshot(this.clock.instant(), info.getProperty("cluster_state", "unknown"),
				(int) NodeInfo.number(info, "cluster_slots_assigned", 0),
				(int) NodeInfo.number(info, "cluster_slots_ok", 0),
				(int) NodeInfo.number(info, "cluster_slots_pfail", 0),
				(int) NodeInfo.number(info, "cluster_slots_fail", 0),
				(int) NodeInfo.number(info, "cluster_known_nodes", 0), (int) NodeInfo.number(info, "cluster_size", 0),
				NodeInfo.number(info, "cluster_current_epoch", 0), masters, answeredBy, null);
	}

	/**
	 * A master's {@code INFO replication}, read on a thread of its own and waited for at
	 * most the node timeout. Spring Data's {@code info(node, section)} blocks its caller
	 * until the node answers or the command times out, so the reads run in parallel on
	 * {@link #infoReaders}; a master that has not answered the previous poll's read is
	 * not asked again until it does (the poll waits on that read), so a frozen master
	 * holds one thread, not one per poll.
	 */
	private CompletableFuture<Properties> replicationInfo(RedisClusterNode node) {
		CompletableFuture<Properties> read = this.infoReads.get(node.getNodeId());
		if (read == null || read.isDone()) {
			String host = node.getUri().getHost();
			int port = node.getUri().getPort();
			try {
				read = CompletableFuture.supplyAsync(() -> {
					try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
						return NodeInfo.read(connection, host, port, "replication");
					}
				}, this.infoReaders);
			}
			catch (RuntimeException ex) {
				read = CompletableFuture.failedFuture(ex);
			}
			this.infoReads.put(node.getNodeId(), read);
		}
		return read.copy().orTimeout(this.settings.nodeTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	private static Properties answer(@Nullable CompletableFuture<Properties> future) {
		if (future == null) {
			return new Properties();
		}
		try {
			return future.join();
		}
		catch (RuntimeException ex) {
			return new Properties();
		}
	}

	private Replica replica(RedisClusterNode node, @Nullable ReplicaLink link, long masterOffset) {
		long lagBytes = (link != null && masterOffset >= 0) ? Math.max(0, masterOffset - link.offset()) : -1;
		Duration lastAck = (link != null) ? Duration.ofSeconds(link.lagSeconds()) : null;
		boolean online = link != null && "online".equals(link.state());
		Set<String> flags = flags(node);
		boolean lagging = !online || flags.contains("fail") || flags.contains("fail?")
				|| (lagBytes > this.settings.maxLagBytes())
				|| (lastAck != null && lastAck.compareTo(this.settings.maxAckAge()) > 0);
		return new Replica(node.getNodeId(), address(node), Objects.requireNonNull(node.getSlaveOf()), flags, online,
				lagBytes, lastAck, lagging);
	}

	/**
	 * Replicas as a master lists them: {@code slave0:ip=...,port=...,state=online,
	 * offset=...,lag=...}.
	 */
	private static Map<String, ReplicaLink> replicaLinks(Properties info) {
		Map<String, ReplicaLink> links = new HashMap<>();
		info.stringPropertyNames().forEach((name) -> {
			String value = info.getProperty(name);
			if (name.startsWith("slave") && !name.startsWith("slave_")) {
				Map<String, String> parts = new HashMap<>();
				for (String part : value.split(",")) {
					int equals = part.indexOf('=');
					if (equals > 0) {
						parts.put(part.substring(0, equals), part.substring(equals + 1));
					}
				}
				links.put(parts.get("ip") + ":" + parts.get("port"),
						new ReplicaLink(parts.getOrDefault("state", "unknown"), NodeInfo.number(parts.get("offset"), 0),
								NodeInfo.number(parts.get("lag"), 0)));
			}
		});
		return links;
	}

	private record ReplicaLink(String state, long offset, long lagSeconds) {
	}

	/**
	 * A node as a poll last saw it.
	 *
	 * @param address its address
	 * @param masterId the id of its master when it was a replica, {@code null} when it
	 * was a master
	 */
	private record KnownNode(String address, @Nullable String masterId) {
	}

	private static Set<String> flags(RedisClusterNode node) {
		Set<String> flags = new LinkedHashSet<>();
		for (NodeFlag flag : node.getFlags()) {
			flags.add(switch (flag) {
				case EVENTUAL_FAIL -> "fail?";
				case UPSTREAM -> "master";
				case REPLICA -> "slave";
				default -> flag.name().toLowerCase(Locale.ROOT);
			});
		}
		return flags;
	}

	private static String address(RedisClusterNode node) {
		return node.getUri().getHost() + ":" + node.getUri().getPort();
	}

	private void markFailing(ClusterSnapshot current) {
		SlotHealth health = this.slotHealth;
		if (health == null) {
			return;
		}
		for (Master master : current.masters()) {
			if (!master.failing()) {
				continue;
			}
			int marked = 0;
			for (SlotRange range : master.slots()) {
				for (int slot = range.from(); slot <= range.to(); slot++) {
					if (health.markFailingSlot(slot) && marked++ == 0) {
						logger.warn("The cluster flags master " + master.address() + " as "
								+ (master.flags().contains("fail") ? "fail" : "fail?") + "; its slots fail fast");
					}
				}
			}
		}
	}

	private void publish(ClusterSnapshot current) {
		ClusterSnapshot before = this.previous;
		if (!current.isUnknown()) {
			logReachability((before != null) ? before.unreachableFromHere() : List.of(), current.unreachableFromHere());
		}
		this.snapshot = current;
		this.previous = current;
		for (Consumer<ClusterSnapshot> listener : this.pollListeners) {
			try {
				listener.accept(current);
			}
			catch (RuntimeException ex) {
				logger.warn("A poll listener failed", ex);
			}
		}
		if (before == null) {
			remember(current);
			return;
		}
		List<ClusterEvent> changes = new ArrayList<>();
		if (!before.state().equals(current.state())) {
			changes.add(new ClusterEvent.StateChanged(before.state(), current.state(), current));
		}
		if (!current.isUnknown() && !before.isUnknown()) {
			BitSet failingBefore = before.failingSlots();
			BitSet failingNow = current.failingSlots();
			BitSet newlyFailing = (BitSet) failingNow.clone();
			newlyFailing.andNot(failingBefore);
			BitSet recovered = (BitSet) failingBefore.clone();
			recovered.andNot(failingNow);
			if (!newlyFailing.isEmpty()) {
				changes.add(new ClusterEvent.SlotsFailing(SlotRange.of(newlyFailing), current));
			}
			if (!recovered.isEmpty()) {
				changes.add(new ClusterEvent.SlotsRecovered(SlotRange.of(recovered), current));
			}
		}
		if (!current.isUnknown()) {
			changes.addAll(failovers(current));
			remember(current);
		}
		for (ClusterEvent change : changes) {
			if (change instanceof ClusterEvent.Failover) {
				this.failovers.incrementAndGet();
			}
			logger.info(describe(change));
			try {
				this.events.accept(change);
			}
			catch (RuntimeException ex) {
				logger.warn("A listener failed on " + change.getClass().getSimpleName(), ex);
			}
		}
	}

	private static void logReachability(List<Master> before, List<Master> now) {
		Set<String> wasUnreachable = new LinkedHashSet<>();
		before.forEach((master) -> wasUnreachable.add(master.address()));
		for (Master master : now) {
			if (!wasUnreachable.remove(master.address())) {
				logger.warn("This instance cannot reach master " + master.address()
						+ ", which the cluster sees as healthy: the network between them is broken, no failover "
						+ "will come, and its slots fail fast here until it answers again");
			}
		}
		for (String address : wasUnreachable) {
			logger.info("Master " + address + " is no longer cut off from this instance alone: it answers again, "
					+ "or the cluster now flags it too");
		}
	}

	/** A node seen as a replica of M before that now serves slots took over from M. */
	private List<ClusterEvent> failovers(ClusterSnapshot current) {
		List<ClusterEvent> failovers = new ArrayList<>();
		for (Master master : current.masters()) {
			KnownNode before = this.knownNodes.get(master.id());
			String previousMasterId = (before != null) ? before.masterId() : null;
			if (previousMasterId != null && !master.slots().isEmpty()) {
				KnownNode previousMaster = this.knownNodes.get(previousMasterId);
				failovers.add(new ClusterEvent.Failover(previousMasterId,
						(previousMaster != null) ? previousMaster.address() : "?", master.id(), master.address(),
						current));
			}
		}
		return failovers;
	}

	private void remember(ClusterSnapshot current) {
		for (Master master : current.masters()) {
			KnownNode known = this.knownNodes.get(master.id());
			if (master.slots().isEmpty() && known != null && known.masterId() != null) {
				// A replica promoted in this node's view before its slots reached it:
				// the failover is announced once it serves them.
				this.knownNodes.put(master.id(), new KnownNode(master.address(), known.masterId()));
				continue;
			}
			this.knownNodes.put(master.id(), new KnownNode(master.address(), null));
			for (Replica replica : master.replicas()) {
				this.knownNodes.put(replica.id(), new KnownNode(replica.address(), master.id()));
			}
		}
	}

	private static String describe(ClusterEvent change) {
		if (change instanceof ClusterEvent.StateChanged state) {
			return "Cluster state " + state.previous() + " -> " + state.current();
		}
		if (change instanceof ClusterEvent.SlotsFailing failing) {
			return "Slots failing: " + failing.slots();
		}
		if (change instanceof ClusterEvent.SlotsRecovered recovered) {
			return "Slots recovered: " + recovered.slots();
		}
		ClusterEvent.Failover failover = (ClusterEvent.Failover) change;
		return "Failover: " + failover.newMasterAddress() + " took over from " + failover.previousMasterAddress();
	}

	/**
	 * Poll at once, then every interval, on the {@code slotwise-cluster-monitor} thread.
	 */
	@Override
	public void start() {
		this.poller.start();
	}

	/**
	 * Stop polling; wait for a poll in progress, at most the node timeout or one second,
	 * whichever is longer.
	 */
	@Override
	public void stop() {
		Duration nodeTimeout = this.settings.nodeTimeout();
		this.poller.stop((nodeTimeout.compareTo(STOP_TIMEOUT) > 0) ? nodeTimeout : STOP_TIMEOUT);
	}

	@Override
	public boolean isRunning() {
		return this.poller.isRunning();
	}

	/**
	 * How often to poll and when a replica counts as lagging.
	 *
	 * @param interval how often to poll
	 * @param nodeTimeout how long to wait for one node's answer: {@code CLUSTER NODES}
	 * and {@code CLUSTER INFO} of the node asked, {@code INFO replication} of each master
	 * @param maxLagBytes a replica further behind than this many bytes is lagging
	 * @param maxAckAge a replica that has not acknowledged its master for longer is
	 * lagging
	 */
	public record Settings(Duration interval, Duration nodeTimeout, long maxLagBytes, Duration maxAckAge) {

		/** Default time between polls: 1 s. */
		public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

		/** Default longest wait for one node's answer: 500 ms. */
		public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(500);

		/** Default replication backlog past which a replica is lagging: 1 MiB. */
		public static final long DEFAULT_MAX_LAG_BYTES = 1024 * 1024;

		/**
		 * Default age of a replica's last acknowledgement past which it is lagging: 5 s.
		 */
		public static final Duration DEFAULT_MAX_ACK_AGE = Duration.ofSeconds(5);

		/**
		 * Check the values.
		 */
		public Settings {
			for (Duration duration : new Duration[] { interval, nodeTimeout }) {
				if (duration.isZero() || duration.isNegative()) {
					throw new IllegalArgumentException(
							"interval and nodeTimeout must be positive, were " + interval + " and " + nodeTimeout);
				}
			}
			if (maxLagBytes < 0 || maxAckAge.isNegative()) {
				throw new IllegalArgumentException(
						"maxLagBytes and maxAckAge must not be negative, were " + maxLagBytes + " and " + maxAckAge);
			}
		}

		/**
		 * The defaults: poll every second, wait up to 500 ms per node, lagging past 1 MiB
		 * or 5 s without an acknowledgement.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(DEFAULT_INTERVAL, DEFAULT_NODE_TIMEOUT, DEFAULT_MAX_LAG_BYTES, DEFAULT_MAX_ACK_AGE);
		}

	}

}
