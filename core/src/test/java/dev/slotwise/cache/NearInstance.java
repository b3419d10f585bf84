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
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;

import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.test.LocalRedisCluster;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One application instance for the near cache's tests: its own client, write buffer and
 * tracker, and a cache "products" with a near cache of 1,000 entries.
 */
final class NearInstance implements AutoCloseable {

	final CacheFixture fixture;

	final NearCacheTracker tracker;

	final ClusterCache cache;

	NearInstance(LocalRedisCluster cluster, Duration bound) {
		this.fixture = new CacheFixture(cluster);
		// The client loads its topology with its first connection.
		this.fixture.connectionFactory.getConnection().close();
		this.tracker = new NearCacheTracker(this.fixture.connectionFactory, bound);
		this.tracker.afterPropertiesSet();
		this.cache = new ClusterCache("products",
				new ClusterCacheSettings(Duration.ofMinutes(10), true, "", RedisSerializer.java(), 0,
						Duration.ofMillis(250), 1000),
				this.fixture.connectionFactory, this.fixture.writeBuffer, new SlotGuard(this.fixture.slotHealth),
				this.fixture.keys, Clock.systemUTC(), ForkJoinPool.commonPool(), this.tracker);
	}

	/**
	 * Read a key until this instance answers it from memory with a value.
	 * @param key the cache key
	 * @param value the value
	 */
	void awaitNear(String key, String value) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			long before = this.cache.nearHits();
			return value.equals(this.cache.get(key, String.class)) && this.cache.nearHits() > before;
		});
	}

	/**
	 * Read a key until it answers what was written, failing if a read that began later
	 * than the bound after the write answered anything else.
	 * @param key the cache key
	 * @param writtenAt when the write was acknowledged ({@link System#nanoTime()})
	 * @param written what was written, {@code null} for a delete
	 */
	void assertNotReadAfterTheBound(String key, long writtenAt, @Nullable String written) {
		// 5 ms for this thread's own scheduling between the clock and the read.
		long deadline = writtenAt + this.tracker.maxStaleness().toNanos() + Duration.ofMillis(5).toNanos();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
			long began = System.nanoTime();
			String read = this.cache.get(key, String.class);
			if (!Objects.equals(written, read)) {
				assertThat(began)
					.as("a read of %s that began %s ms after the write answered %s", key,
							(began - writtenAt) / 1_000_000, read)
					.isLessThanOrEqualTo(deadline);
				return false;
			}
			return true;
		});
	}

	@Override
	public void close() {
		this.tracker.destroy();
		this.fixture.close();
	}

}
