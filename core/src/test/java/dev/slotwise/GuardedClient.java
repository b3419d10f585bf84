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

package dev.slotwise;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.UnaryOperator;

import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteBufferSettings;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheSettings;
import dev.slotwise.cluster.ClusterTopology;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.cluster.StallDetection;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What core's fault tests stand on, wired as the starter wires it: a tuned connection,
 * the cluster's topology (masters confirm one another, slots of one master fail
 * together), slot health, the failure protocol with stall detection, and a write buffer
 * that is not started (a test that wants replay on the buffer's own schedule starts it;
 * one that drives {@link WriteBuffer#replay()} itself does not). Closing it stops the
 * buffer, the topology and the connection.
 */
public final class GuardedClient implements AutoCloseable {

	public final ClusterKeys keys = new ClusterKeys();

	public final LettuceConnectionFactory connectionFactory;

	public final ClusterTopology topology;

	public final SlotHealth health;

	public final SlotGuard guard;

	public final WriteBuffer writeBuffer;

	/**
	 * Connect.
	 * @param cluster the cluster
	 * @param commandTimeout the client's command timeout
	 * @param probeInterval how long a failing mark holds
	 * @param stalls stall detection
	 * @param bufferSettings the write buffer's bounds and timings
	 */
	public GuardedClient(LocalRedisCluster cluster, Duration commandTimeout, Duration probeInterval,
			StallDetection stalls, WriteBufferSettings bufferSettings) {
		this.connectionFactory = ClusterConnections.tuned(cluster, commandTimeout);
		this.topology = new ClusterTopology(this.connectionFactory);
		this.topology.afterPropertiesSet();
		this.health = new SlotHealth(probeInterval, Clock.systemUTC(), this.topology);
		this.guard = new SlotGuard(this.health, stalls);
		this.writeBuffer = new WriteBuffer(this.connectionFactory, this.keys, this.guard, bufferSettings,
				Clock.systemUTC());
	}

	/**
	 * A cache on this client's buffer and failure protocol.
	 * @param name the cache's name
	 * @param settings its settings
	 * @return the cache
	 */
	public ClusterCache cache(String name, ClusterCacheSettings settings) {
		return new ClusterCache(name, settings, this.connectionFactory, this.writeBuffer, this.guard, this.keys,
				Clock.systemUTC(), ForkJoinPool.commonPool());
	}

	/**
	 * Keys {@code prefix0}, {@code prefix1}, ... whose Redis key lives on a master.
	 * @param cluster the cluster
	 * @param master the master
	 * @param prefix what the keys start with
	 * @param count how many
	 * @param redisKey the Redis key of a key (a cache's prefix, say)
	 * @return the keys, in order
	 */
	public static List<String> keysOn(LocalRedisCluster cluster, ClusterNode master, String prefix, int count,
			UnaryOperator<String> redisKey) {
		List<String> found = new ArrayList<>();
		for (int i = 0; found.size() < count; i++) {
			String key = prefix + i;
			if (cluster.masterForKey(redisKey.apply(key)).equals(master)) {
				found.add(key);
			}
		}
		return found;
	}

	@Override
	public void close() {
		this.writeBuffer.stop();
		this.topology.destroy();
		this.connectionFactory.destroy();
	}

}
