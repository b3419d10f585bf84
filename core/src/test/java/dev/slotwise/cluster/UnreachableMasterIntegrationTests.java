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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.slotwise.GuardedClient;
import dev.slotwise.buffer.WriteBufferSettings;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheSettings;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache when this instance is cut off from a master that the cluster considers
 * healthy: the network between them drops every packet (a blackhole), the cluster bus
 * does not, so no failover comes. The master's slots fail fast, reads of them degrade to
 * the last value seen, the other masters' keys are served fresh, and everything recovers
 * once the network heals. A caller waits only when it reads first or probes, and then at
 * most the read timeout: the probe's confirmation by the other masters happens off the
 * caller's thread. Never the command timeout.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, networkFaults = true)
class UnreachableMasterIntegrationTests {

	private static final Duration READ_TIMEOUT = ClusterCacheSettings.DEFAULT_READ_TIMEOUT;

	/** The longest a caller may wait: a read, and scheduling. */
	private static final Duration LONGEST_WAIT = READ_TIMEOUT.plus(Duration.ofMillis(150));

	private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

	private static final Duration FAULT = Duration.ofSeconds(2);

	private static final int CALLERS = 4;

	private GuardedClient client;

	private ClusterCache cache;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		// A command timeout far beyond the read timeout: only Slotwise can end a wait
		// early.
		this.client = new GuardedClient(cluster, Duration.ofSeconds(5), PROBE_INTERVAL, StallDetection.defaults(),
				WriteBufferSettings.defaults());
		this.client.writeBuffer.start();
		this.cache = this.client.cache("unreachable",
				new ClusterCacheSettings(Duration.ofMinutes(10), true, "", RedisSerializer.java(), 100, READ_TIMEOUT));
	}

	@AfterEach
	void disconnect(LocalRedisCluster cluster) {
		cluster.heal();
		this.client.close();
	}

	@Test
	void aHealthyMasterThisInstanceCannotReachFailsItsSlotsFastAndLeavesTheOthersAlone(LocalRedisCluster cluster)
			throws Exception {
		ClusterNode unreachable = cluster.masters().get(0);
		List<String> cutOff = keysOn(cluster, unreachable, 4);
		List<String> elsewhere = new ArrayList<>();
		for (ClusterNode master : cluster.masters()) {
			if (!master.equals(unreachable)) {
				elsewhere.addAll(keysOn(cluster, master, 2));
			}
		}
		List<String> all = new ArrayList<>(cutOff);
		all.addAll(elsewhere);
		for (String key : all) {
			this.cache.put(key, "v:" + key);
			assertThat(this.cache.get(key, String.class)).isEqualTo("v:" + key);
		}
		int slot = this.client.keys.slot(this.cache.redisKey(cutOff.get(0)));
		List<Read> reads;
		cluster.network(unreachable).blackhole();
		try {
			// Four callers read every key again and again for twice the node timeout.
			reads = readConcurrently(all, FAULT);
			assertThat(cluster.masterForKey(this.cache.redisKey(cutOff.get(0)))).as("no failover came")
				.isEqualTo(unreachable);
		}
		finally {
			cluster.network(unreachable).heal();
		}
		assertThat(reads).as("every read answered with the value last seen, in time").allSatisfy((read) -> {
			assertThat(read.value()).isEqualTo("v:" + read.key());
			assertThat(read.took()).isLessThan(LONGEST_WAIT);
		});
		List<Duration> cutOffReads = took(reads, cutOff);
		assertThat(cutOffReads).hasSizeGreaterThan(40);
		assertThat(percentile(cutOffReads, 0.5)).as("most reads of the cut-off slots fail fast")
			.isLessThan(Duration.ofMillis(20));
		long probeRounds = FAULT.toMillis() / PROBE_INTERVAL.toMillis() + 1;
		assertThat(cutOffReads.stream().filter((took) -> took.toMillis() > 50).toList())
			.as("only first reads and probes wait: at most one per caller and probe interval")
			.hasSizeLessThanOrEqualTo((int) (CALLERS * probeRounds));
		assertThat(percentile(took(reads, elsewhere), 0.9)).as("the other masters' keys never wait")
			.isLessThan(Duration.ofMillis(50));
		assertThat(this.cache.degradedReads()).isPositive();
		this.cache.put(cutOff.get(0), "after");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.cache.get(cutOff.get(0), String.class)).isEqualTo("after");
			assertThat(this.client.health.isFailing(slot)).isFalse();
		});
		for (String key : cutOff.subList(1, cutOff.size())) {
			assertThat(this.cache.get(key, String.class)).isEqualTo("v:" + key);
		}
	}

	private List<Read> readConcurrently(List<String> keys, Duration during) throws Exception {
		ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
		long end = System.nanoTime() + during.toNanos();
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
		try {
			List<CompletableFuture<Void>> running = new ArrayList<>();
			for (int caller = 0; caller < CALLERS; caller++) {
				running.add(CompletableFuture.runAsync(() -> {
					while (System.nanoTime() < end) {
						for (String key : keys) {
							long start = System.nanoTime();
							String value = this.cache.get(key, String.class);
							reads.add(new Read(key, value, Duration.ofNanos(System.nanoTime() - start)));
						}
					}
				}, callers));
			}
			CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();
		}
		finally {
			callers.shutdownNow();
		}
		return List.copyOf(reads);
	}

	private static List<Duration> took(List<Read> reads, List<String> keys) {
		return reads.stream().filter((read) -> keys.contains(read.key())).map(Read::took).toList();
	}

	private static Duration percentile(List<Duration> durations, double percentile) {
		List<Duration> sorted = new ArrayList<>(durations);
		Collections.sort(sorted);
		return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(percentile * sorted.size())));
	}

	private List<String> keysOn(LocalRedisCluster cluster, ClusterNode master, int count) {
		return GuardedClient.keysOn(cluster, master, "item:", count, this.cache::redisKey);
	}

	private record Read(String key, String value, Duration took) {
	}

}
