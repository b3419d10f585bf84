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

package dev.slotwise.buffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.slotwise.GuardedClient;
import dev.slotwise.buffer.WriteBufferSettings.Overflow;
import dev.slotwise.buffer.WriteResult.RejectReason;
import dev.slotwise.cluster.StallDetection;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The write buffer when this instance is cut off from a master that the cluster considers
 * healthy (the network between them fails, the cluster bus does not, so no failover
 * comes): writes to its slots are buffered after at most the write wait, writes to the
 * other masters' slots go on as before, the buffer's bounds hold when the partition
 * outlasts them (every write not kept is counted by reason), and what was kept replays
 * once the network heals, in order and never over a newer value.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, networkFaults = true)
class WriteBufferPartitionIntegrationTests {

	/** The longest a writer may wait: the write wait, and scheduling. */
	private static final Duration LONGEST_WAIT = WriteBufferSettings.DEFAULT_WRITE_TIMEOUT.plus(Duration.ofMillis(150));

	private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

	private static final int MAX_ENTRIES = 20;

	private GuardedClient client;

	@AfterEach
	void disconnect(LocalRedisCluster cluster) {
		cluster.heal();
		if (this.client != null) {
			this.client.close();
		}
	}

	private WriteBuffer connect(LocalRedisCluster cluster, WriteBufferSettings settings) {
		// A command timeout far beyond the write wait: only Slotwise can end a wait
		// early.
		this.client = new GuardedClient(cluster, Duration.ofSeconds(5), PROBE_INTERVAL, StallDetection.defaults(),
				settings);
		return this.client.writeBuffer;
	}

	@Test
	void writesDuringABlackholeAreBufferedAfterTheWriteWaitAndReplayedInOrderNeverOverANewerValue(
			LocalRedisCluster cluster) {
		// Not started: the test replays when it chooses, after another instance wrote.
		WriteBuffer buffer = connect(cluster, WriteBufferSettings.defaults());
		ClusterNode unreachable = cluster.masters().get(0);
		List<String> cutOff = GuardedClient.keysOn(cluster, unreachable, "order:", 6, (key) -> key);
		List<String> elsewhere = new ArrayList<>();
		for (ClusterNode master : cluster.masters()) {
			if (!master.equals(unreachable)) {
				elsewhere.addAll(GuardedClient.keysOn(cluster, master, "order:", 3, (key) -> key));
			}
		}
		List<String> all = new ArrayList<>(cutOff);
		all.addAll(elsewhere);
		for (String key : all) {
			assertThat(put(buffer, key, "v0")).isEqualTo(WriteResult.WRITTEN);
		}
		String contested = cutOff.get(0);
		String deleted = cutOff.get(1);
		String deletedThenPut = cutOff.get(2);
		Map<String, Duration> longest = new LinkedHashMap<>();
		List<Duration> elsewhereTook = new ArrayList<>();
		cluster.network(unreachable).blackhole();
		try {
			for (int round = 1; round <= 5; round++) {
				for (String key : all) {
					long start = System.nanoTime();
					WriteResult result = put(buffer, key, "v" + round);
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					longest.merge(key, took, (a, b) -> (a.compareTo(b) >= 0) ? a : b);
					if (elsewhere.contains(key)) {
						elsewhereTook.add(took);
					}
					assertThat(result).as(key)
						.isEqualTo(cutOff.contains(key) ? WriteResult.BUFFERED : WriteResult.WRITTEN);
				}
			}
			assertThat(buffer.delete(deleted)).isEqualTo(WriteResult.BUFFERED);
			assertThat(buffer.delete(deletedThenPut)).isEqualTo(WriteResult.BUFFERED);
			assertThat(put(buffer, deletedThenPut, "v6")).isEqualTo(WriteResult.BUFFERED);
			assertThat(buffer.pending()).as("one write per key: the last").isEqualTo(cutOff.size());
			assertThat(cluster.masterForKey(contested)).as("no failover came").isEqualTo(unreachable);
		}
		finally {
			cluster.network(unreachable).heal();
		}
		assertThat(longest).as("no writer waited longer than the write wait")
			.allSatisfy((key, took) -> assertThat(took).isLessThan(LONGEST_WAIT));
		assertThat(median(elsewhereTook)).as("the other masters' writes do not wait").isLessThan(Duration.ofMillis(50));
		// The blackhole held the probes' writes and delivers them now, late. A write on
		// the same connection that is answered comes after all of them.
		String marker = GuardedClient.keysOn(cluster, unreachable, "marker:", 1, (key) -> key).get(0);
		await().atMost(Duration.ofSeconds(10)).until(() -> put(buffer, marker, "m") == WriteResult.WRITTEN);
		// Another instance, which can reach the master, writes a newer value.
		byte[] newer = new VersionedValue(System.currentTimeMillis(), bytes("newer")).encode();
		cluster.call(unreachable, (commands) -> commands.set(contested, new String(newer, StandardCharsets.US_ASCII)));
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			buffer.replay();
			return buffer.pending() == 0;
		});
		assertThat(read(cluster, contested)).as("a newer value is kept").isEqualTo("newer");
		assertThat(read(cluster, deleted)).as("a buffered delete is applied").isNull();
		assertThat(read(cluster, deletedThenPut)).as("the delete first, then the put").isEqualTo("v6");
		for (String key : cutOff.subList(3, cutOff.size())) {
			assertThat(read(cluster, key)).as("the last write wins over the late probes: %s", key).isEqualTo("v5");
		}
		for (String key : elsewhere) {
			assertThat(read(cluster, key)).isEqualTo("v5");
		}
		assertThat(buffer.superseded()).as("the contested put, not applied").isOne();
		assertThat(buffer.dropped().values()).as("nothing dropped").allMatch((count) -> count == 0);
		assertThat(buffer.rejected().values()).as("nothing rejected").allMatch((count) -> count == 0);
	}

	@Test
	void whenAPartitionOutlastsABufferThatRejectsNewWritesEveryWriteNotKeptIsCounted(LocalRedisCluster cluster) {
		Outcome outcome = partitionOutlastingTheBuffer(cluster, Overflow.REJECT_NEW);
		// 5 short-lived writes, then 30 others: the first 15 of those fit.
		assertThat(outcome.results()).as("the writes after the bound are rejected")
			.containsOnlyKeys(outcome.written())
			.allSatisfy((key, result) -> assertThat(result).isEqualTo(
					outcome.keptInOrder(key, 20) ? WriteResult.BUFFERED : WriteResult.rejected(RejectReason.OVERFLOW)));
		assertThat(outcome.rejected()).containsEntry(RejectReason.OVERFLOW, 15L);
		assertThat(outcome.dropped()).containsEntry(RejectReason.EXPIRED, 5L).containsEntry(RejectReason.OVERFLOW, 0L);
		assertThat(outcome.replayed()).isEqualTo(15);
		assertThat(outcome.inRedis()).as("what was kept and had not expired")
			.containsExactlyElementsOf(outcome.written().subList(5, 20));
	}

	@Test
	void whenAPartitionOutlastsABufferThatDropsTheOldestEveryWriteNotKeptIsCounted(LocalRedisCluster cluster) {
		Outcome outcome = partitionOutlastingTheBuffer(cluster, Overflow.DROP_OLDEST);
		assertThat(outcome.results()).as("every write is accepted")
			.allSatisfy((key, result) -> assertThat(result).isEqualTo(WriteResult.BUFFERED));
		assertThat(outcome.rejected().values()).allMatch((count) -> count == 0);
		// The 5 short-lived writes and the 10 oldest others are pushed out.
		assertThat(outcome.dropped()).containsEntry(RejectReason.OVERFLOW, 15L).containsEntry(RejectReason.EXPIRED, 0L);
		assertThat(outcome.replayed()).isEqualTo(20);
		assertThat(outcome.inRedis()).as("the newest 20").containsExactlyElementsOf(outcome.written().subList(15, 35));
	}

	/**
	 * Cut this instance off from a master, then write 5 keys with a 1 s time to live and
	 * 30 keys without one to its slots (and as many to the other masters'), through a
	 * buffer bounded at 20 writes; heal once the short-lived writes have expired, and let
	 * the buffer replay on its own schedule. Checks what every policy must hold: the
	 * bound is never passed, the other masters' writes are written at once, and every
	 * write to the cut-off master is in Redis afterwards if and only if it was not
	 * counted as rejected or dropped.
	 */
	private Outcome partitionOutlastingTheBuffer(LocalRedisCluster cluster, Overflow overflow) {
		WriteBufferSettings defaults = WriteBufferSettings.defaults();
		WriteBuffer buffer = connect(cluster,
				new WriteBufferSettings(MAX_ENTRIES, defaults.maxBytes(), overflow, defaults.replayInterval(),
						defaults.replayBatchSize(), defaults.initialBackoff(), defaults.maxBackoff(),
						defaults.drainTimeout(), defaults.writeTimeout()));
		buffer.start();
		ClusterNode unreachable = cluster.masters().get(1);
		List<String> shortLived = GuardedClient.keysOn(cluster, unreachable, "session:" + overflow + ":", 5,
				(key) -> key);
		List<String> durable = GuardedClient.keysOn(cluster, unreachable, "account:" + overflow + ":", 30,
				(key) -> key);
		List<String> elsewhere = cluster.masters()
			.stream()
			.filter((master) -> !master.equals(unreachable))
			.flatMap((master) -> GuardedClient.keysOn(cluster, master, "other:" + overflow + ":", 15, (key) -> key)
				.stream())
			.toList();
		Map<String, WriteResult> results = new LinkedHashMap<>();
		List<Duration> elsewhereTook = new ArrayList<>();
		long expiresAt;
		cluster.network(unreachable).cut();
		try {
			for (String key : shortLived) {
				results.put(key, buffer.set(key, "s:" + key, Duration.ofSeconds(1)));
			}
			expiresAt = System.currentTimeMillis() + 1000;
			for (int i = 0; i < durable.size(); i++) {
				String key = durable.get(i);
				results.put(key, buffer.set(key, "d:" + key, Duration.ofMinutes(10)));
				assertThat(buffer.pending()).as("the bound holds").isLessThanOrEqualTo(MAX_ENTRIES);
				String other = elsewhere.get(i);
				long start = System.nanoTime();
				assertThat(buffer.set(other, "o:" + other, Duration.ofMinutes(10))).as("the other masters' writes")
					.isEqualTo(WriteResult.WRITTEN);
				elsewhereTook.add(Duration.ofNanos(System.nanoTime() - start));
			}
			// The partition outlasts the short-lived writes.
			await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > expiresAt + 100);
			assertThat(cluster.masterForKey(durable.get(0))).as("no failover came").isEqualTo(unreachable);
		}
		finally {
			cluster.network(unreachable).heal();
		}
		assertThat(median(elsewhereTook)).as("the other masters' writes do not wait").isLessThan(Duration.ofMillis(50));
		await().atMost(Duration.ofSeconds(15)).until(() -> buffer.pending() == 0);
		Map<RejectReason, Long> dropped = buffer.dropped();
		Map<RejectReason, Long> rejected = buffer.rejected();
		long notKept = dropped.values().stream().mapToLong(Long::longValue).sum()
				+ rejected.values().stream().mapToLong(Long::longValue).sum();
		List<String> inRedis = new ArrayList<>();
		for (String key : results.keySet()) {
			String expected = (shortLived.contains(key) ? "s:" : "d:") + key;
			String stored = cluster.call(unreachable, (commands) -> commands.get(key));
			if (stored != null) {
				assertThat(stored).isEqualTo(expected);
				inRedis.add(key);
			}
		}
		assertThat(inRedis.size() + notKept).as("every write is in Redis or counted, none lost silently")
			.isEqualTo(results.size());
		assertThat(buffer.replayed()).isEqualTo(inRedis.size());
		for (String key : elsewhere.subList(0, durable.size())) {
			String stored = cluster.call(cluster.masterForKey(key), (commands) -> commands.get(key));
			assertThat(stored).isEqualTo("o:" + key);
		}
		List<String> written = new ArrayList<>(shortLived);
		written.addAll(durable);
		return new Outcome(written, results, inRedis, dropped, rejected, buffer.replayed());
	}

	private static Duration median(List<Duration> durations) {
		return durations.stream().sorted().toList().get(durations.size() / 2);
	}

	private WriteResult put(WriteBuffer buffer, String key, String value) {
		return buffer.setVersioned(bytes(key), bytes(value), Duration.ofMinutes(10));
	}

	private static @Nullable String read(LocalRedisCluster cluster, String key) {
		String stored = cluster.call(cluster.masterForKey(key), (commands) -> commands.get(key));
		if (stored == null) {
			return null;
		}
		VersionedValue value = VersionedValue.decode(bytes(stored));
		assertThat(value).as("a versioned value under %s", key).isNotNull();
		return new String(value.payload(), StandardCharsets.US_ASCII);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * What became of the writes to the cut-off master.
	 *
	 * @param written the keys, in the order written
	 * @param results each write's result
	 * @param inRedis the keys Redis holds afterwards
	 * @param dropped the buffer's drops by reason
	 * @param rejected the buffer's rejections by reason
	 * @param replayed writes the buffer replayed
	 */
	private record Outcome(List<String> written, Map<String, WriteResult> results, List<String> inRedis,
			Map<RejectReason, Long> dropped, Map<RejectReason, Long> rejected, long replayed) {

		/** Whether a key is among the first {@code bound} written. */
		boolean keptInOrder(String key, int bound) {
			return this.written.indexOf(key) < bound;
		}

	}

}
