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
package dev.slotwise.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import dev.slotwise.support.LettuceCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Which master serves each slot, as the Lettuce client routes commands: the grouping
 * {@link SlotHealth} uses to fail fast a failing master's other slots. It is the client's
 * view, not the cluster's, on purpose: a command goes where the client routes it, so a
 * master the cluster has replaced but the client still routes to fails its slots
 * together.
 *
 * <p>
 * The view is read from the client's partitions when this starts, and again on every
 * {@link ClusterTopologyChangedEvent} Lettuce publishes after a topology refresh (a
 * failover, a migration, a node added). Until the client has loaded its first topology
 * the view is empty, and a failure marks its own slot only.
 *
 * <p>
 * Thread-safe and lock-free to read: a slot's master is one array read of an immutable
 * view swapped whole on change.
 */
public final class ClusterTopology implements SlotPeers, InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(ClusterTopology.class);

	/**
	 * How long {@link #confirmMaster(int)} waits for the other masters' answers.
	 */
	public static final Duration CONFIRMATION_TIMEOUT = Duration.ofMillis(250);

	private final @Nullable RedisConnectionFactory connectionFactory;

	private volatile View view = View.EMPTY;

	private @Nullable Disposable subscription;

	private final boolean confirmMasters;

	private final Duration confirmationTimeout;

	private @Nullable RedisClusterClient client;

	private @Nullable CompletableFuture<StatefulRedisClusterConnection<String, String>> confirmations;

	/**
	 * Create a topology that follows the Lettuce cluster client of a connection factory
	 * once {@link #afterPropertiesSet() started}.
	 * @param connectionFactory the connection factory
	 */
	public ClusterTopology(RedisConnectionFactory connectionFactory) {
		this(connectionFactory, true);
	}

	/**
	 * Create a topology that follows the Lettuce cluster client of a connection factory
	 * once {@link #afterPropertiesSet() started}.
	 * @param connectionFactory the connection factory
	 * @param confirmMasters whether {@link #confirmMaster(int)} asks the cluster's other
	 * masters (otherwise it confirms every master at once)
	 */
	public ClusterTopology(RedisConnectionFactory connectionFactory, boolean confirmMasters) {
		this(connectionFactory, confirmMasters, CONFIRMATION_TIMEOUT);
	}

	/**
	 * Create a topology that follows the Lettuce cluster client of a connection factory
	 * once {@link #afterPropertiesSet() started}.
	 * @param connectionFactory the connection factory
	 * @param confirmMasters whether {@link #confirmMaster(int)} asks the cluster's other
	 * masters (otherwise it confirms every master at once)
	 * @param confirmationTimeout how long {@link #confirmMaster(int)} waits for each
	 * answer ({@link #CONFIRMATION_TIMEOUT} by default)
	 */
	public ClusterTopology(RedisConnectionFactory connectionFactory, boolean confirmMasters,
			Duration confirmationTimeout) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		this.confirmMasters = confirmMasters;
		if (confirmationTimeout.isNegative() || confirmationTimeout.isZero()) {
			throw new IllegalArgumentException("confirmationTimeout must be positive, was " + confirmationTimeout);
		}
		this.confirmationTimeout = confirmationTimeout;
	}

	/**
	 * Create a topology fed only through {@link #update(Collection)} (for tests and for
	 * callers with their own source of the topology).
	 */
	public ClusterTopology() {
		this.connectionFactory = null;
		this.confirmMasters = false;
		this.confirmationTimeout = CONFIRMATION_TIMEOUT;
	}

	/**
	 * Read the client's current topology and follow its changes. Does nothing for a
	 * connection factory that is not a Lettuce cluster one.
	 */
	@Override
	public void afterPropertiesSet() {
		if (this.connectionFactory == null) {
			return;
		}
		LettuceCommands.client(this.connectionFactory).ifPresent(this::follow);
	}

	private synchronized void follow(RedisClusterClient client) {
		if (this.subscription != null) {
			return;
		}
		this.client = client;
		this.subscription = client.getResources()
			.eventBus()
			.get()
			.filter(ClusterTopologyChangedEvent.class::isInstance)
			.subscribe((event) -> update(((ClusterTopologyChangedEvent) event).after()),
					(failure) -> logger.warn("Stopped following the cluster's topology", failure));
		try {
			update(client.getPartitions().getPartitions());
		}
		catch (RuntimeException ex) {
			// No node reachable yet: the first refresh event fills the view.
			logger.debug("No initial cluster topology", ex);
		}
		if (this.confirmMasters) {
			// Opened now, while the cluster is healthy, not in the middle of a fault.
			confirmations();
		}
	}

	@Override
	public synchronized void destroy() {
		if (this.subscription != null) {
			this.subscription.dispose();
			this.subscription = null;
		}
		if (this.confirmations != null) {
			this.confirmations.thenAccept(StatefulRedisClusterConnection::closeAsync);
			this.confirmations = null;
		}
		this.client = null;
	}

	/**
	 * Replace the view with the masters among some nodes and the slots each serves.
	 * @param nodes the cluster's nodes, as Lettuce describes them
	 */
	public void update(Collection<RedisClusterNode> nodes) {
		this.view = View.of(nodes, this.view);
	}

	/**
	 * The id of the master that serves a slot.
	 * @param slot the slot
	 * @return the master's node id, or {@code null} if not known
	 */
	public @Nullable String masterOf(int slot) {
		View current = this.view;
		int master = current.owner[slot];
		return (master >= 0) ? current.masters[master] : null;
	}

	@Override
	public @Nullable NodeActivity activityOf(int slot) {
		View current = this.view;
		int master = current.owner[slot];
		return (master >= 0) ? current.activity[master] : null;
	}

	@Override
	public boolean othersSilent(NodeActivity node, long now, StallDetection stalls) {
		for (NodeActivity other : this.view.activity) {
			if (other != node && other.inFlight() > 0 && other.usualNanos() > 0
					&& other.silentNanos(now) >= stalls.thresholdNanos(other.usualNanos())) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void forEachPeer(int slot, IntConsumer action) {
		View current = this.view;
		int master = current.owner[slot];
		if (master < 0) {
			return;
		}
		for (int peer : current.slots[master]) {
			if (peer != slot) {
				action.accept(peer);
			}
		}
	}

	/**
	 * Whether the cluster still holds the master the client routes a slot to as that
	 * slot's master. Every other master the client knows is asked for its
	 * {@code CLUSTER NODES}, on a connection of this topology's own (not behind the
	 * application's commands), for at most the confirmation timeout
	 * ({@link #CONFIRMATION_TIMEOUT} by default). The master is confirmed unless one of
	 * them flags it failing ({@code fail} or {@code fail?}), sees it as a replica, or
	 * sees another node serving the slot; a master that does not answer in time raises no
	 * objection (an overloaded machine would otherwise keep healthy slots failing). A
	 * master flagged {@code fail} has been judged by a majority of the masters, and a
	 * replacement was elected by one; {@code fail?} is one master's suspicion, refused
	 * too because a failover may follow it. When another node serves the slot, the
	 * client's topology is behind, and it is refreshed at once.
	 * <p>
	 * Confirms at once when there is nothing to ask: no topology yet, a single master, or
	 * a topology created without a connection factory or with confirmation off.
	 * @param slot the slot
	 * @return whether the master may be probed
	 */
	@Override
	public CompletionStage<Boolean> confirmMaster(int slot) {
		View current = this.view;
		int master = current.owner[slot];
		if (!this.confirmMasters || master < 0 || current.masters.length < 2) {
			return CompletableFuture.completedFuture(true);
		}
		CompletableFuture<StatefulRedisClusterConnection<String, String>> connection = confirmations();
		if (connection == null) {
			return CompletableFuture.completedFuture(true);
		}
		String target = current.masters[master];
		List<CompletableFuture<@Nullable Objection>> answers = new ArrayList<>();
		for (String other : current.masters) {
			if (!other.equals(target)) {
				answers.add(connection.thenCompose((cluster) -> cluster.getConnectionAsync(other))
					.thenCompose((node) -> node.async().clusterNodes())
					.toCompletableFuture()
					.orTimeout(this.confirmationTimeout.toMillis(), TimeUnit.MILLISECONDS)
					.handle((nodes, failure) -> {
						if (failure != null) {
							logger.debug("No answer from " + other + " about " + target + ": " + failure);
							return Objection.SILENT;
						}
						return Objection.of(ClusterPartitionParser.parse(nodes), target, slot);
					}));
			}
		}
		return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
			.thenApply((done) -> judge(slot, target, answers.stream().map(CompletableFuture::join).toList()));
	}

	private boolean judge(int slot, String target, List<@Nullable Objection> objections) {
		if (objections.stream().allMatch((objection) -> objection == Objection.SILENT)) {
			// No evidence either way (an overloaded machine, this client's own trouble):
			// probe, as without confirmation.
			logger.info("None of the other masters answered about " + target + ", the master of slot " + slot
					+ "; probing it");
			return true;
		}
		for (Objection objection : objections) {
			if (objection != null && objection != Objection.SILENT) {
				logger.info("Not probing slot " + slot + ": the cluster " + objection.description + " its master "
						+ target + " (as the client routes it)");
				if (objection == Objection.REPLACED) {
					refreshClient();
				}
				return false;
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("The other masters hold " + target + " as the master of slot " + slot + " ("
					+ objections.size() + " asked, silent ones raise no objection)");
		}
		return true;
	}

	/**
	 * Refresh the client's topology, and this view from it once the refresh is done. The
	 * view follows the client's {@link ClusterTopologyChangedEvent}s too, but Lettuce
	 * publishes one only when its own partitions changed, on its event bus, which drops
	 * events a busy subscriber has no room for: reading the partitions back makes sure a
	 * view that fell behind the client catches up with it, and costs nothing when it had
	 * not (a master that stays keeps its activity).
	 */
	private void refreshClient() {
		RedisClusterClient current = this.client;
		if (current == null) {
			return;
		}
		CompletionStage<Void> refresh = current.isTopologyRefreshInProgress() ? CompletableFuture.completedFuture(null)
				: current.refreshPartitionsAsync();
		refresh.whenComplete((done, failure) -> {
			if (failure != null) {
				logger.debug("Could not refresh the client's topology", failure);
				return;
			}
			String before = masterIds();
			update(current.getPartitions().getPartitions());
			if (logger.isDebugEnabled() && !before.equals(masterIds())) {
				logger.debug("Refreshed the client's topology: masters " + before + " -> " + masterIds());
			}
		});
	}

	private String masterIds() {
		return Arrays.toString(this.view.masters);
	}

	private synchronized @Nullable CompletableFuture<StatefulRedisClusterConnection<String, String>> confirmations() {
		if (this.confirmations == null && this.client != null) {
			this.confirmations = this.client.connectAsync(StringCodec.UTF8).toCompletableFuture();
		}
		if (this.confirmations != null && this.confirmations.isCompletedExceptionally()) {
			// The first connection failed (no node answered): try again next time.
			CompletableFuture<StatefulRedisClusterConnection<String, String>> failed = this.confirmations;
			this.confirmations = null;
			return failed;
		}
		return this.confirmations;
	}

	/**
	 * What one master's view holds against the master the client routes a slot to.
	 */
	private enum Objection {

		/** The master did not answer in time. */
		SILENT("did not answer about"),

		/** The master flags the node failing ({@code fail} or {@code fail?}). */
		FAILING("flags failing"),

		/** Another node serves the slot, or the node is a replica now. */
		REPLACED("has replaced");

		private final String description;

		Objection(String description) {
			this.description = description;
		}

		static @Nullable Objection of(Partitions view, String target, int slot) {
			RedisClusterNode node = view.getPartitionByNodeId(target);
			if (node == null || node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL)) {
				return FAILING;
			}
			RedisClusterNode owner = view.getPartitionBySlot(slot);
			if (!node.is(NodeFlag.UPSTREAM) || owner == null || !target.equals(owner.getNodeId())) {
				return REPLACED;
			}
			return null;
		}

	}

	/**
	 * Masters by index, the slots of each, each slot's master index (-1: none), and what
	 * each master has been doing (kept across views for a master that stays).
	 */
	private record View(String[] masters, int[][] slots, short[] owner, NodeActivity[] activity) {

		static final View EMPTY = empty();

		private static View empty() {
			short[] owner = new short[SlotHash.SLOT_COUNT];
			Arrays.fill(owner, (short) -1);
			return new View(new String[0], new int[0][], owner, new NodeActivity[0]);
		}

		static View of(Collection<RedisClusterNode> nodes, View previous) {
			List<String> masters = new ArrayList<>();
			List<int[]> slots = new ArrayList<>();
			short[] owner = new short[SlotHash.SLOT_COUNT];
			Arrays.fill(owner, (short) -1);
			for (RedisClusterNode node : nodes) {
				if (!node.is(NodeFlag.UPSTREAM) || node.getSlots().isEmpty()) {
					continue;
				}
				short index = (short) masters.size();
				masters.add(node.getNodeId());
				int[] served = node.getSlots().stream().mapToInt(Integer::intValue).sorted().toArray();
				for (int slot : served) {
					owner[slot] = index;
				}
				slots.add(served);
			}
			NodeActivity[] activity = new NodeActivity[masters.size()];
			for (int i = 0; i < activity.length; i++) {
				activity[i] = previous.activityOf(masters.get(i));
			}
			return new View(masters.toArray(String[]::new), slots.toArray(int[][]::new), owner, activity);
		}

		private NodeActivity activityOf(String master) {
			for (int i = 0; i < this.masters.length; i++) {
				if (this.masters[i].equals(master)) {
					return this.activity[i];
				}
			}
			return new NodeActivity();
		}

	}

}
