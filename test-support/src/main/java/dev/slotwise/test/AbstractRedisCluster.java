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

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.jspecify.annotations.Nullable;

/**
 * What every {@link RedisCluster} does the same way, whatever runs its nodes: forming the
 * cluster, reading its view, failing over, migrating slots and judging health. Subclasses
 * only start, signal and address nodes.
 */
abstract class AbstractRedisCluster implements RedisCluster {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	/** Redis ends a manual failover that has not completed after this long. */
	private static final Duration MANUAL_FAILOVER_TIMEOUT = Duration.ofSeconds(6);

	private final List<ClusterNode> nodes = new ArrayList<>();

	private final Set<ClusterNode> killed = Collections.synchronizedSet(new LinkedHashSet<>());

	private final Set<ClusterNode> paused = Collections.synchronizedSet(new LinkedHashSet<>());

	private final Duration awaitTimeout;

	private @Nullable ClusterAdmin admin;

	AbstractRedisCluster(Duration awaitTimeout) {
		this.awaitTimeout = awaitTimeout;
	}

	/**
	 * Where the other nodes reach a node (for CLUSTER MEET and MIGRATE).
	 * @param node the node
	 * @return its address inside the cluster
	 */
	abstract ClusterAdmin.InternalAddress internalAddress(ClusterNode node);

	abstract void signalKill(ClusterNode node);

	abstract void signalPause(ClusterNode node);

	abstract void signalResume(ClusterNode node);

	abstract void startAgain(ClusterNode node);

	final void useAdmin(ClusterAdmin admin) {
		this.admin = admin;
	}

	final ClusterAdmin admin() {
		return Objects.requireNonNull(this.admin, "cluster not started");
	}

	/**
	 * Join started nodes into a cluster: the first {@code masters} nodes share the slots
	 * evenly, the rest replicate them in turn.
	 */
	final void form(List<ClusterNode> started, int masters) {
		ClusterAdmin admin = admin();
		this.nodes.addAll(started);
		ClusterNode first = started.get(0);
		for (ClusterNode node : started.subList(1, started.size())) {
			admin.meet(first, internalAddress(node));
		}
		for (int i = 0; i < masters; i++) {
			int from = i * SlotHash.SLOT_COUNT / masters;
			int to = (i + 1) * SlotHash.SLOT_COUNT / masters - 1;
			admin.addSlots(started.get(i), from, to);
		}
		await("every node to know every other node", () -> started.stream()
			.map((node) -> admin.view(node).size() != started.size() || hasFlag(admin.view(node), NodeFlag.HANDSHAKE)
					? node + " knows only " + admin.view(node).size() + " of " + started.size() + " nodes" : null)
			.filter(Objects::nonNull)
			.findFirst());
		for (int i = masters; i < started.size(); i++) {
			ClusterNode replica = started.get(i);
			ClusterNode master = started.get((i - masters) % masters);
			admin.call(replica, (commands) -> commands.clusterReplicate(master.id()));
		}
		awaitHealthy();
	}

	private static boolean hasFlag(Partitions view, NodeFlag flag) {
		return view.stream().anyMatch((node) -> node.is(flag));
	}

	@Override
	public List<ClusterNode> nodes() {
		return List.copyOf(this.nodes);
	}

	final List<ClusterNode> running() {
		return this.nodes.stream()
			.filter((node) -> !this.killed.contains(node) && !this.paused.contains(node))
			.toList();
	}

	final boolean isKilled(ClusterNode node) {
		return this.killed.contains(node);
	}

	private Partitions currentView() {
		RuntimeException last = null;
		for (ClusterNode node : running()) {
			try {
				return admin().view(node);
			}
			catch (RuntimeException ex) {
				last = ex;
			}
		}
		throw new IllegalStateException("No running node answered CLUSTER NODES", last);
	}

	private ClusterNode byId(String id) {
		return this.nodes.stream()
			.filter((node) -> node.id().equals(id))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("Node id " + id + " was not started by this cluster"));
	}

	@Override
	public List<ClusterNode> masters() {
		return currentView().stream()
			.filter((node) -> node.is(NodeFlag.UPSTREAM) && !node.getSlots().isEmpty())
			.map((node) -> byId(node.getNodeId()))
			.sorted((a, b) -> Integer.compare(this.nodes.indexOf(a), this.nodes.indexOf(b)))
			.toList();
	}

	@Override
	public List<ClusterNode> replicasOf(ClusterNode master) {
		return currentView().stream()
			.filter((node) -> master.id().equals(node.getSlaveOf()))
			.map((node) -> byId(node.getNodeId()))
			.toList();
	}

	@Override
	public ClusterNode masterForSlot(int slot) {
		checkSlot(slot);
		RedisClusterNode owner = currentView().getMasterBySlot(slot);
		if (owner == null) {
			throw new IllegalStateException("No master owns slot " + slot);
		}
		return byId(owner.getNodeId());
	}

	private static void checkSlot(int slot) {
		if (slot < 0 || slot >= SlotHash.SLOT_COUNT) {
			throw new IllegalArgumentException("Slot " + slot + " is outside 0.." + (SlotHash.SLOT_COUNT - 1));
		}
	}

	@Override
	public <T> T call(ClusterNode node, Function<RedisCommands<String, String>, T> commands) {
		requireOwn(node);
		return admin().call(node, commands);
	}

	@Override
	public void kill(ClusterNode node) {
		requireOwn(node);
		signalKill(node);
		this.killed.add(node);
		this.paused.remove(node);
	}

	@Override
	public void pause(ClusterNode node) {
		requireOwn(node);
		if (this.killed.contains(node)) {
			throw new IllegalStateException(node + " was killed; restart it before pausing it");
		}
		signalPause(node);
		this.paused.add(node);
	}

	@Override
	public void resume(ClusterNode node) {
		requireOwn(node);
		signalResume(node);
		this.paused.remove(node);
	}

	@Override
	public void restart(ClusterNode node) {
		requireOwn(node);
		if (!this.killed.contains(node)) {
			throw new IllegalStateException(node + " is running; kill it before restarting it");
		}
		startAgain(node);
		this.killed.remove(node);
	}

	private void requireOwn(ClusterNode node) {
		if (!this.nodes.contains(node)) {
			throw new IllegalArgumentException(node + " is not a node of this cluster " + this.nodes);
		}
	}

	@Override
	public ClusterNode failover(ClusterNode master) {
		requireOwn(master);
		awaitHealthy();
		List<Integer> slots = currentView().getPartitionByNodeId(master.id()).getSlots();
		if (slots.isEmpty()) {
			throw new IllegalStateException(master + " serves no slots; there is nothing to fail over");
		}
		ClusterNode replica = replicasOf(master).stream()
			.filter((node) -> running().contains(node))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(master + " has no running replica to fail over to"));
		admin().call(replica, (commands) -> commands.clusterFailover(false));
		long[] requested = { System.nanoTime() };
		// Done when every node sees the replica serve the master's slots: a node that
		// merely calls it a master proves nothing (a master that was paused and failed
		// over still calls itself one, and the others call it a master without slots,
		// until gossip turns it into a replica).
		await(replica + " to serve " + master + "'s slots in every node's view", () -> {
			Optional<String> problem = running().stream()
				.filter((node) -> !servesAll(admin().view(node), replica, slots))
				.map((node) -> node + " does not yet see " + replica + " serve " + master + "'s slots")
				.findFirst();
			if (problem.isPresent() && System.nanoTime() - requested[0] > MANUAL_FAILOVER_TIMEOUT.toNanos()
					&& !servesAll(admin().view(replica), replica, slots)) {
				// Redis gives a manual failover 5 s, and a replica still settling after
				// an earlier election can let it lapse: ask again.
				admin().call(replica, (commands) -> commands.clusterFailover(false));
				requested[0] = System.nanoTime();
			}
			return problem;
		});
		awaitHealthy();
		return replica;
	}

	private static boolean servesAll(Partitions view, ClusterNode node, List<Integer> slots) {
		RedisClusterNode seen = view.getPartitionByNodeId(node.id());
		return seen != null && seen.is(NodeFlag.UPSTREAM) && slots.stream().allMatch(seen::hasSlot);
	}

	@Override
	public void migrateSlot(int slot, ClusterNode target) {
		checkSlot(slot);
		requireOwn(target);
		ClusterNode source = masterForSlot(slot);
		if (source.equals(target)) {
			return;
		}
		ClusterAdmin admin = admin();
		admin.call(target, (commands) -> commands.clusterSetSlotImporting(slot, source.id()));
		admin.call(source, (commands) -> commands.clusterSetSlotMigrating(slot, target.id()));
		List<String> keys;
		while (!(keys = admin.call(source, (commands) -> commands.clusterGetKeysInSlot(slot, 100))).isEmpty()) {
			admin.migrate(source, internalAddress(target), keys);
		}
		admin.call(target, (commands) -> commands.clusterSetSlotNode(slot, target.id()));
		admin.call(source, (commands) -> commands.clusterSetSlotNode(slot, target.id()));
		for (ClusterNode master : masters()) {
			if (!master.equals(source) && !master.equals(target) && running().contains(master)) {
				admin.call(master, (commands) -> commands.clusterSetSlotNode(slot, target.id()));
			}
		}
		await("every node to see slot " + slot + " on " + target,
				() -> running().stream()
					.filter((node) -> !target.id().equals(ownerId(admin.view(node), slot)))
					.map((node) -> node + " sees slot " + slot + " on " + ownerId(admin.view(node), slot))
					.findFirst());
	}

	private static @Nullable String ownerId(Partitions view, int slot) {
		RedisClusterNode owner = view.getMasterBySlot(slot);
		return (owner != null) ? owner.getNodeId() : null;
	}

	@Override
	public void awaitHealthy() {
		await("a healthy cluster", this::healthProblem);
	}

	/**
	 * What stops the cluster from being healthy now, if anything.
	 */
	private Optional<String> healthProblem() {
		ClusterAdmin admin = admin();
		String[] expectedOwners = null;
		String expectedRoles = null;
		ClusterNode reference = null;
		for (ClusterNode node : running()) {
			Map<String, String> info = admin.clusterInfo(node);
			if (!"ok".equals(info.get("cluster_state"))) {
				return Optional.of(node + " reports cluster_state:" + info.get("cluster_state"));
			}
			if (!String.valueOf(SlotHash.SLOT_COUNT).equals(info.get("cluster_slots_ok"))) {
				return Optional.of(node + " reports cluster_slots_ok:" + info.get("cluster_slots_ok"));
			}
			Partitions view = admin.view(node);
			for (ClusterNode other : running()) {
				RedisClusterNode seen = view.getPartitionByNodeId(other.id());
				if (seen == null || seen.is(NodeFlag.FAIL) || seen.is(NodeFlag.EVENTUAL_FAIL)
						|| seen.is(NodeFlag.HANDSHAKE)) {
					return Optional
						.of(node + " sees " + other + " as " + ((seen != null) ? seen.getFlags() : "unknown"));
				}
			}
			String roles = roles(view);
			if (expectedRoles == null) {
				expectedRoles = roles;
			}
			else if (!expectedRoles.equals(roles)) {
				return Optional
					.of(node + " and " + reference + " disagree on roles: " + roles + " vs " + expectedRoles);
			}
			String[] owners = owners(view);
			for (String owner : owners) {
				if (owner == null || !running().contains(byId(owner))) {
					return Optional.of(node + " sees a slot owned by " + owner + ", which is not running");
				}
			}
			if (expectedOwners == null) {
				expectedOwners = owners;
				reference = node;
			}
			else if (!Arrays.equals(expectedOwners, owners)) {
				return Optional.of(node + " and " + reference + " disagree on who owns the slots");
			}
			RedisClusterNode myself = view.stream().filter((n) -> n.is(NodeFlag.MYSELF)).findFirst().orElseThrow();
			if (myself.is(NodeFlag.UPSTREAM) && myself.getSlots().isEmpty()) {
				// A restarted ex-master rejoins empty before it is turned into a replica.
				return Optional.of(node + " is a master without slots; it has not settled as a replica yet");
			}
			if (myself.is(NodeFlag.REPLICA)) {
				Map<String, String> replication = admin.info(node, "replication");
				if (!"up".equals(replication.get("master_link_status"))
						|| !"0".equals(replication.get("master_sync_in_progress"))) {
					return Optional.of(node + " is not in sync with its master: master_link_status:"
							+ replication.get("master_link_status"));
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Each running node's role and master as one view sees them, in a fixed order.
	 */
	private String roles(Partitions view) {
		StringBuilder roles = new StringBuilder();
		for (ClusterNode node : running()) {
			RedisClusterNode seen = view.getPartitionByNodeId(node.id());
			roles.append(node.name())
				.append(seen.is(NodeFlag.REPLICA) ? " replica of " + seen.getSlaveOf() : " master")
				.append("; ");
		}
		return roles.toString();
	}

	private static String[] owners(Partitions view) {
		String[] owners = new String[SlotHash.SLOT_COUNT];
		for (RedisClusterNode node : view) {
			if (node.is(NodeFlag.UPSTREAM)) {
				for (int slot : node.getSlots()) {
					owners[slot] = node.getNodeId();
				}
			}
		}
		return owners;
	}

	@Override
	public void heal() {
		for (ClusterNode node : List.copyOf(this.paused)) {
			resume(node);
		}
		for (ClusterNode node : List.copyOf(this.killed)) {
			restart(node);
		}
		awaitHealthy();
	}

	@Override
	public void flushAll() {
		for (ClusterNode master : masters()) {
			admin().call(master, (commands) -> commands.flushall());
		}
	}

	/**
	 * Poll until {@code problem} is empty, or fail with the last problem seen.
	 */
	final void await(String what, Supplier<Optional<String>> problem) {
		long deadline = System.nanoTime() + this.awaitTimeout.toNanos();
		String last = "not checked yet";
		while (true) {
			try {
				Optional<String> current = problem.get();
				if (current.isEmpty()) {
					return;
				}
				last = current.get();
			}
			catch (RuntimeException ex) {
				last = ex.toString();
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Timed out after " + this.awaitTimeout + " waiting for " + what + "; last seen: " + last);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL.toMillis()));
		}
	}

	@Override
	public void close() {
		if (this.admin != null) {
			this.admin.close();
		}
	}

}
