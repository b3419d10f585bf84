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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

import dev.slotwise.support.LettuceCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
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

	private final @Nullable RedisConnectionFactory connectionFactory;

	private volatile View view = View.EMPTY;

	private @Nullable Disposable subscription;

	/**
	 * Create a topology that follows the Lettuce cluster client of a connection factory
	 * once {@link #afterPropertiesSet() started}.
	 * @param connectionFactory the connection factory
	 */
	public ClusterTopology(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
	}

	/**
	 * Create a topology fed only through {@link #update(Collection)} (for tests and for
	 * callers with their own source of the topology).
	 */
	public ClusterTopology() {
		this.connectionFactory = null;
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
	}

	@Override
	public synchronized void destroy() {
		if (this.subscription != null) {
			this.subscription.dispose();
			this.subscription = null;
		}
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
