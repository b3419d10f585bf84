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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;

/**
 * A real Redis Cluster that a test can break and mend. {@link LocalRedisCluster} runs
 * {@code redis-server} processes on this machine; {@link TestcontainersRedisCluster} runs
 * them in Docker containers.
 *
 * <p>
 * Roles change when a test fails a master over, so methods that answer with roles ask the
 * cluster each time rather than remember.
 */
public interface RedisCluster extends AutoCloseable {

	/**
	 * Every node this cluster started, in start order.
	 * @return the nodes
	 */
	List<ClusterNode> nodes();

	/**
	 * The nodes that are masters now (owning slots), as the cluster sees them.
	 * @return the masters
	 */
	List<ClusterNode> masters();

	/**
	 * The replicas of a master, as the cluster sees them now.
	 * @param master a master
	 * @return its replicas
	 */
	List<ClusterNode> replicasOf(ClusterNode master);

	/**
	 * The master that owns a slot now.
	 * @param slot a slot, 0 to 16383
	 * @return its master
	 */
	ClusterNode masterForSlot(int slot);

	/**
	 * The master that owns a key's slot now.
	 * @param key a key
	 * @return its master
	 */
	default ClusterNode masterForKey(String key) {
		// SlotHash.getSlot(String) would use the platform charset; Redis hashes UTF-8.
		return masterForSlot(SlotHash.getSlot(key.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * The addresses a client uses as seed nodes, in {@code host:port} form.
	 * @return the seed addresses
	 */
	default List<String> seedAddresses() {
		return nodes().stream().map(ClusterNode::address).toList();
	}

	/**
	 * The value for {@code spring.data.redis.cluster.nodes}.
	 * @return comma-separated seed addresses
	 */
	default String nodesProperty() {
		return String.join(",", seedAddresses());
	}

	/**
	 * Spring Boot properties that point an application at this cluster (nodes, and the
	 * address map and credentials where the cluster needs them).
	 * @return property names and values
	 */
	Map<String, String> springProperties();

	/**
	 * Run commands on one node directly, on a short-lived connection (for example
	 * {@code DBSIZE} or {@code CLUSTER COUNTKEYSINSLOT} to check where data landed).
	 * @param <T> the result type
	 * @param node a running node
	 * @param commands what to run
	 * @return what it returned
	 */
	<T> T call(ClusterNode node, Function<RedisCommands<String, String>, T> commands);

	/**
	 * Stop a node with SIGKILL: no goodbye to its peers or clients.
	 * @param node the node
	 */
	void kill(ClusterNode node);

	/**
	 * Freeze a node (SIGSTOP): its sockets stay open but nothing answers, like a hung
	 * process or a long GC pause.
	 * @param node the node
	 */
	void pause(ClusterNode node);

	/**
	 * Thaw a paused node (SIGCONT).
	 * @param node the node
	 */
	void resume(ClusterNode node);

	/**
	 * Start a killed node again with its data folder and node id; it rejoins the cluster
	 * (as a replica if it was failed over).
	 * @param node the node
	 */
	void restart(ClusterNode node);

	/**
	 * A manual failover ({@code CLUSTER FAILOVER}) of a master to one of its replicas;
	 * returns once every reachable node agrees on the new master.
	 * @param master a master with at least one replica
	 * @return the promoted replica, now the master
	 */
	ClusterNode failover(ClusterNode master);

	/**
	 * Move one slot with its keys to another master, live, the way
	 * {@code redis-cli --cluster reshard} does (SETSLOT IMPORTING/MIGRATING, MIGRATE in
	 * batches, SETSLOT NODE on every master).
	 * @param slot the slot
	 * @param target the master that will own it
	 */
	void migrateSlot(int slot, ClusterNode target);

	/**
	 * Wait until every running node reports {@code cluster_state:ok}, all nodes agree on
	 * who owns every slot, every running master owns slots (a restarted ex-master has
	 * settled as a replica), and every running replica is in sync with its master.
	 * @throws IllegalStateException with what was last seen if that does not happen in
	 * time
	 */
	void awaitHealthy();

	/**
	 * Resume paused nodes, restart killed ones, and wait until healthy.
	 */
	void heal();

	/**
	 * Remove every key from every master.
	 */
	void flushAll();

	/**
	 * Stop every process or container this cluster started.
	 */
	@Override
	void close();

}
