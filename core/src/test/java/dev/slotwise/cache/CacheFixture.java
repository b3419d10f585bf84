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

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ForkJoinPool;

import dev.slotwise.ClusterConnections;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteBufferSettings;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.test.LocalRedisCluster;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * What core's cache tests stand on: a tuned connection to the test cluster (500 ms
 * command timeout), slot health with a 500 ms probe interval, a started write buffer, and
 * caches built on them. Closing it stops the buffer and the connection.
 */
final class CacheFixture implements AutoCloseable {

	final ClusterKeys keys = new ClusterKeys();

	final LettuceConnectionFactory connectionFactory;

	final SlotHealth slotHealth;

	final WriteBuffer writeBuffer;

	final StringRedisTemplate redis;

	CacheFixture(LocalRedisCluster cluster) {
		this.connectionFactory = ClusterConnections.tuned(cluster, Duration.ofMillis(500));
		this.slotHealth = new SlotHealth(Duration.ofMillis(500), Clock.systemUTC());
		this.writeBuffer = new WriteBuffer(this.connectionFactory, this.keys, new SlotGuard(this.slotHealth),
				WriteBufferSettings.defaults(), Clock.systemUTC());
		this.writeBuffer.start();
		this.redis = new StringRedisTemplate(this.connectionFactory);
	}

	/**
	 * A cache on this fixture's buffer and slot health.
	 * @param name the cache's name
	 * @param settings its settings
	 * @return the cache
	 */
	ClusterCache cache(String name, ClusterCacheSettings settings) {
		return new ClusterCache(name, settings, this.connectionFactory, this.writeBuffer,
				new SlotGuard(this.slotHealth), this.keys, Clock.systemUTC(), ForkJoinPool.commonPool());
	}

	@Override
	public void close() {
		this.writeBuffer.stop();
		this.connectionFactory.destroy();
	}

}
