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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;

import dev.slotwise.cluster.SlotGuard;

import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.lettuce.core.KillArgs;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The near cache against a real 3+3 cluster, with two instances (two clients, each with
 * its own tracker): hits from memory, read-your-writes, and no read of a value another
 * instance replaced later than the staleness bound after the replacement, also while a
 * tracking connection is killed and comes back.
 */
@LocalRedisClusterTest
class NearCacheIntegrationTests {

	private static final Duration BOUND = Duration.ofMillis(200);

	private LocalRedisCluster cluster;

	private NearInstance one;

	private NearInstance two;

	private ClusterCache cacheOne;

	private ClusterCache cacheTwo;

	@BeforeEach
	void start(LocalRedisCluster cluster) {
		this.cluster = cluster;
		this.one = new NearInstance(cluster, BOUND);
		this.two = new NearInstance(cluster, BOUND);
		this.cacheOne = this.one.cache;
		this.cacheTwo = this.two.cache;
	}

	@AfterEach
	void stop() {
		this.one.close();
		this.two.close();
	}

	@Test
	void aHitIsServedFromMemoryWithoutAGet() {
		this.cacheOne.put("p1", "kettle");
		this.one.awaitNear("p1", "kettle");
		ClusterNode master = this.cluster.masterForKey("products::p1");
		long getsBefore = gets(master);
		long nearHitsBefore = this.cacheOne.nearHits();
		for (int i = 0; i < 100; i++) {
			assertThat(this.cacheOne.get("p1", String.class)).isEqualTo("kettle");
		}
		assertThat(this.cacheOne.nearHits() - nearHitsBefore).isEqualTo(100);
		assertThat(gets(master)).isEqualTo(getsBefore);
	}

	@Test
	void ownWritesAreReadAtOnce() {
		this.cacheOne.put("p2", "cup");
		this.one.awaitNear("p2", "cup");
		this.cacheOne.put("p2", "mug");
		assertThat(this.cacheOne.get("p2", String.class)).isEqualTo("mug");
		this.one.awaitNear("p2", "mug");
		this.cacheOne.evict("p2");
		assertThat(this.cacheOne.get("p2")).isNull();
		this.cacheOne.put("p2", "jug");
		this.one.awaitNear("p2", "jug");
		this.cacheOne.clear();
		assertThat(this.cacheOne.get("p2")).isNull();
	}

	@Test
	void aCacheCreatedWhileTrackingRunsIsTrackedToo() {
		this.cacheOne.put("p4", "first");
		this.one.awaitNear("p4", "first");
		ClusterCache later = new ClusterCache("orders",
				new ClusterCacheSettings(Duration.ofMinutes(10), true, "", RedisSerializer.java(), 0,
						Duration.ofMillis(250), 100),
				this.one.fixture.connectionFactory, this.one.fixture.writeBuffer,
				new SlotGuard(this.one.fixture.slotHealth), this.one.fixture.keys, Clock.systemUTC(),
				ForkJoinPool.commonPool(), this.one.tracker);
		later.put("o1", "placed");
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			long before = later.nearHits();
			return "placed".equals(later.get("o1", String.class)) && later.nearHits() > before;
		});
		// Another instance's write to the second prefix reaches the copy too.
		this.two.fixture
			.cache("orders",
					new ClusterCacheSettings(Duration.ofMinutes(10), true, "", RedisSerializer.java(), 0,
							Duration.ofMillis(250)))
			.put("o1", "shipped");
		await().atMost(BOUND.plusSeconds(1)).until(() -> "shipped".equals(later.get("o1", String.class)));
		this.one.awaitNear("p4", "first");
	}

	@Test
	void anotherInstancesWriteIsNotReadLaterThanTheBound() {
		for (int round = 0; round < 5; round++) {
			String key = "p3-" + round;
			this.cacheOne.put(key, "old");
			this.one.awaitNear(key, "old");
			this.cacheTwo.put(key, "new");
			assertNotReadAfterTheBound(key, System.nanoTime());
		}
	}

	@Test
	void aKilledTrackingConnectionStopsTheCopiesAndTrackingComesBack() {
		List<String> keys = new ArrayList<>();
		for (ClusterNode master : this.cluster.masters()) {
			keys.add(keyOn(master));
		}
		keys.forEach((key) -> this.cacheOne.put(key, "old"));
		keys.forEach((key) -> this.one.awaitNear(key, "old"));
		long lossesBefore = this.one.tracker.trackingLosses();
		for (String key : keys) {
			// The key is deleted while no tracking connection is there to tell of it.
			killTrackingConnectionsThenDelete(this.cluster.masterForKey("products::" + key), "products::" + key);
			assertNotReadAfterTheBound(key, System.nanoTime(), null);
		}
		await().until(() -> this.one.tracker.trackingLosses() > lossesBefore);
		// Each loss is a flush of the master's copies, counted under its cause.
		assertThat(this.one.tracker.flushes(NearCacheFlush.RECONNECT)
				+ this.one.tracker.flushes(NearCacheFlush.HEARTBEAT_LAPSED))
			.isEqualTo(this.one.tracker.trackingLosses());
		// Tracking is on again: copies are served, and a later write still reaches them.
		for (String key : keys) {
			this.cacheOne.put(key, "again");
			this.one.awaitNear(key, "again");
			this.cacheTwo.put(key, "newer");
			assertNotReadAfterTheBound(key, System.nanoTime(), "newer");
		}
	}

	@Test
	void theMemoryBoundHoldsPastMaxEntries() {
		int maxEntries = 50;
		ClusterCache small = new ClusterCache("small",
				new ClusterCacheSettings(Duration.ofMinutes(10), true, "", RedisSerializer.java(), 0,
						Duration.ofMillis(250), maxEntries),
				this.one.fixture.connectionFactory, this.one.fixture.writeBuffer,
				new SlotGuard(this.one.fixture.slotHealth), this.one.fixture.keys, Clock.systemUTC(),
				ForkJoinPool.commonPool(), this.one.tracker);
		int keys = maxEntries * 4;
		for (int i = 0; i < keys; i++) {
			small.put("s" + i, "value-" + i);
		}
		// Every key read twice: the second read of a key still held is a near hit.
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < keys; i++) {
				assertThat(small.get("s" + i, String.class)).isEqualTo("value-" + i);
			}
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> small.nearSize() <= maxEntries);
		assertThat(small.nearSize()).isPositive();
		assertThat(small.nearHits() + small.nearMisses()).isEqualTo(2L * keys);
		assertThat(small.nearMisses()).as("reads of keys the bound pushed out").isGreaterThan(keys);
		// The estimate follows what is held: per entry at least the fixed overhead, and
		// nothing once the cache is cleared.
		assertThat(small.nearEstimatedBytes()).isBetween(small.nearSize() * NearCache.ENTRY_OVERHEAD_BYTES,
				small.nearSize() * (NearCache.ENTRY_OVERHEAD_BYTES + 200L));
		small.clear();
		await().atMost(Duration.ofSeconds(5)).until(() -> small.nearEstimatedBytes() == 0);
		assertThat(small.nearSize()).isZero();
	}

	private void assertNotReadAfterTheBound(String key, long writtenAt) {
		this.one.assertNotReadAfterTheBound(key, writtenAt, this.cacheTwo.get(key, String.class));
	}

	private void assertNotReadAfterTheBound(String key, long writtenAt, @Nullable String written) {
		this.one.assertNotReadAfterTheBound(key, writtenAt, written);
	}

	private String keyOn(ClusterNode master) {
		for (int i = 0;; i++) {
			if (this.cluster.masterForKey("products::k" + i).id().equals(master.id())) {
				return "k" + i;
			}
		}
	}

	private static long gets(ClusterNode node) {
		String stats = onNode(node, (connection) -> connection.sync().info("commandstats"));
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_get:")) {
				return Long.parseLong(line.replaceAll(".*calls=(\\d+),.*", "$1"));
			}
		}
		return 0;
	}

	/**
	 * Close every tracking connection of a node and delete a key right after, in one
	 * pipeline, so that no tracking connection can be back before the delete.
	 */
	private static void killTrackingConnectionsThenDelete(ClusterNode node, String key) {
		onNode(node, (connection) -> {
			List<Long> tracking = new ArrayList<>();
			for (String client : connection.sync().clientList().split("\\r?\\n")) {
				String flags = client.replaceAll(".* flags=(\\S+) .*", "$1");
				if (flags.contains("t")) {
					tracking.add(Long.parseLong(client.replaceAll("^id=(\\d+) .*", "$1")));
				}
			}
			assertThat(tracking).as("tracking connections on %s", node).isNotEmpty();
			connection.setAutoFlushCommands(false);
			List<RedisFuture<?>> replies = new ArrayList<>();
			tracking.forEach((id) -> replies.add(connection.async().clientKill(KillArgs.Builder.id(id))));
			replies.add(connection.async().del(key));
			connection.flushCommands();
			assertThat(LettuceFutures.awaitAll(Duration.ofSeconds(5), replies.toArray(RedisFuture[]::new))).isTrue();
			return null;
		});
	}

	private static <T> T onNode(ClusterNode node,
			java.util.function.Function<StatefulRedisConnection<String, String>, T> action) {
		RedisClient client = RedisClient.create(RedisURI.create(node.host(), node.port()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return action.apply(connection);
		}
		finally {
			client.shutdown();
		}
	}

}
