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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.GuardedClient;
import dev.slotwise.buffer.WriteBufferSettings;
import dev.slotwise.buffer.WriteResult;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheSettings;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stall detection on a real 3+3 cluster: a frozen master (SIGSTOP) holds a cache read for
 * the stall threshold, not for its 10 s read timeout; a master that blocks again and
 * again for less than the threshold is never flagged; one silent for longer is flagged
 * while it is silent, and its first answer clears the mark (the probe interval here is 30
 * s, so nothing else could).
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class StallDetectionIntegrationTests {

	private static final Duration FLOOR = Duration.ofMillis(200);

	/** Blocks the server for ARGV[1] microseconds. */
	private static final String BUSY = "local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
			+ "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start >= tonumber(ARGV[1]) return 1";

	private GuardedClient client;

	private ClusterCache cache;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		// Timeouts far longer than the floor: only stall detection can end a wait early.
		this.client = new GuardedClient(cluster, Duration.ofSeconds(10), Duration.ofSeconds(30),
				new StallDetection(true, FLOOR, 10), WriteBufferSettings.defaults());
		this.client.writeBuffer.start();
		this.cache = this.client.cache("stall", new ClusterCacheSettings(Duration.ofMinutes(10), true, "",
				RedisSerializer.java(), 100, Duration.ofSeconds(10)));
	}

	@AfterEach
	void disconnect(LocalRedisCluster cluster) {
		cluster.heal();
		this.client.close();
	}

	@Test
	void aReadOfAFrozenMasterStopsWaitingWhenTheMasterFallsSilent(LocalRedisCluster cluster) {
		ClusterNode frozen = cluster.masters().get(0);
		String frozenKey = keyOn(cluster, frozen);
		String healthyKey = keyOn(cluster, cluster.masters().get(1));
		this.cache.put(frozenKey, "last seen");
		this.cache.put(healthyKey, "fine");
		assertThat(this.cache.get(frozenKey, String.class)).isEqualTo("last seen");
		int slot = this.client.keys.slot(this.cache.redisKey(frozenKey));
		cluster.pause(frozen);
		try {
			long start = System.nanoTime();
			assertThat(this.cache.get(frozenKey, String.class)).as("degraded to the last value").isEqualTo("last seen");
			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			assertThat(waited).as("the 200 ms floor, not the 10 s read timeout")
				.isGreaterThanOrEqualTo(FLOOR)
				.isLessThan(Duration.ofSeconds(5));
			assertThat(this.client.health.isFailing(slot)).isTrue();
			assertThat(this.cache.get(healthyKey, String.class)).isEqualTo("fine");
		}
		finally {
			cluster.resume(frozen);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.client.health.isSuspect(slot));
		assertThat(this.cache.get(frozenKey, String.class)).isEqualTo("last seen");
	}

	@Test
	void aWriteToAFrozenMasterIsBufferedAfterAShortWaitAndReplayedOnce(LocalRedisCluster cluster) {
		ClusterNode frozen = cluster.masters().get(0);
		String key = keyOn(cluster, frozen);
		String redisKey = this.cache.redisKey(key);
		// Connected before the pause, as a running application is.
		assertThat(this.client.writeBuffer.set(redisKey, "before", Duration.ofMinutes(1)))
			.isEqualTo(WriteResult.WRITTEN);
		cluster.pause(frozen);
		WriteResult result;
		Duration waited;
		try {
			long start = System.nanoTime();
			result = this.client.writeBuffer.set(redisKey, "during", Duration.ofMinutes(1));
			waited = Duration.ofNanos(System.nanoTime() - start);
		}
		finally {
			cluster.resume(frozen);
		}
		assertThat(result).isEqualTo(WriteResult.BUFFERED);
		assertThat(waited).as("the write timeout and stall floor, not the 10 s command timeout")
			.isLessThan(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(15)).until(() -> this.client.writeBuffer.pending() == 0);
		String stored = cluster.call(frozen, (commands) -> commands.get(redisKey));
		assertThat(stored).isEqualTo("during");
		assertThat(this.client.writeBuffer.dropped().values()).as("the late original and its replay agree")
			.allMatch((count) -> count == 0);
	}

	@Test
	void aMasterThatBlocksForLessThanTheThresholdIsNeverFlagged(LocalRedisCluster cluster) {
		ClusterNode slow = cluster.masters().get(0);
		String key = keyOn(cluster, slow);
		this.cache.put(key, "value");
		int slot = this.client.keys.slot(this.cache.redisKey(key));
		AtomicBoolean busy = new AtomicBoolean(true);
		AtomicInteger blocks = new AtomicInteger();
		CompletableFuture<Void> blocking = CompletableFuture.runAsync(() -> {
			while (busy.get()) {
				// 40 ms of work on the master, again and again.
				cluster.call(slow, (commands) -> commands.eval(BUSY, ScriptOutputType.INTEGER, new String[0], "40000"));
				blocks.incrementAndGet();
			}
		});
		try {
			// Read through at least ten blocks.
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				assertThat(this.cache.get(key, String.class)).isEqualTo("value");
				assertThat(this.client.health.isSuspect(slot)).isFalse();
				return blocks.get() >= 10;
			});
		}
		finally {
			busy.set(false);
		}
		blocking.join();
		assertThat(this.cache.degradedReads()).isZero();
	}

	@Test
	void aMasterSilentForLongerThanTheThresholdIsFlaggedUntilItAnswers(LocalRedisCluster cluster) {
		ClusterNode busy = cluster.masters().get(0);
		String key = keyOn(cluster, busy);
		this.cache.put(key, "value");
		assertThat(this.cache.get(key, String.class)).isEqualTo("value");
		int slot = this.client.keys.slot(this.cache.redisKey(key));
		// 700 ms of silence: past the 200 ms floor, short of the 1 s node timeout (no
		// failover).
		CompletableFuture<Long> block = CompletableFuture.supplyAsync(() -> cluster.call(busy,
				(commands) -> commands.<Long>eval(BUSY, ScriptOutputType.INTEGER, new String[0], "700000")));
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			assertThat(this.cache.get(key, String.class)).isEqualTo("value");
			return this.client.health.isSuspect(slot);
		});
		assertThat(block.join()).isOne();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.client.health.isSuspect(slot));
		assertThat(this.cache.get(key, String.class)).isEqualTo("value");
		assertThat(this.cache.degradedReads()).isPositive();
	}

	private String keyOn(LocalRedisCluster cluster, ClusterNode master) {
		return GuardedClient.keysOn(cluster, master, "item:", 1, this.cache::redisKey).get(0);
	}

}
