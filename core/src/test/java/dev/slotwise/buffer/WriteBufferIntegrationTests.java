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

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.slotwise.ClusterConnections;
import dev.slotwise.TestClock;
import dev.slotwise.buffer.WriteResult.RejectReason;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link WriteBuffer} against a real 3+3 cluster.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class WriteBufferIntegrationTests {

	private final ClusterKeys keys = new ClusterKeys();

	private final TestClock clock = new TestClock();

	private LettuceConnectionFactory connectionFactory;

	private StringRedisTemplate redis;

	private SlotHealth slotHealth;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		this.connectionFactory = ClusterConnections.tuned(cluster, Duration.ofMillis(500));
		this.redis = new StringRedisTemplate(this.connectionFactory);
		this.slotHealth = new SlotHealth(Duration.ofMillis(200), Clock.systemUTC());
	}

	@AfterEach
	void disconnect() {
		this.connectionFactory.destroy();
	}

	private WriteBuffer buffer(WriteBufferSettings settings, Clock clock) {
		return new WriteBuffer(this.connectionFactory, this.keys, new SlotGuard(this.slotHealth), settings, clock);
	}

	@Test
	void aWriteToAHealthySlotIsWrittenWithItsTtl() {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), Clock.systemUTC());
		assertThat(buffer.set("user:{1}:name", "Ada", Duration.ofSeconds(30))).isEqualTo(WriteResult.WRITTEN);
		assertThat(this.redis.opsForValue().get("user:{1}:name")).isEqualTo("Ada");
		assertThat(this.redis.getExpire("user:{1}:name")).isBetween(28L, 30L);
		assertThat(buffer.delete("user:{1}:name")).isEqualTo(WriteResult.WRITTEN);
		assertThat(this.redis.hasKey("user:{1}:name")).isFalse();
		assertThat(buffer.pending()).isZero();
	}

	@Test
	void aWriteToAFailingSlotIsBufferedAndReplayedWithWhatRemainsOfItsTtl() {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		String key = "user:{2}:name";
		this.slotHealth.markFailing(this.keys.slot(key));
		assertThat(buffer.set(key, "Grace", Duration.ofSeconds(60))).isEqualTo(WriteResult.BUFFERED);
		assertThat(this.redis.hasKey(key)).isFalse();
		assertThat(buffer.pending()).isOne();
		this.clock.advance(Duration.ofSeconds(20));
		this.slotHealth.markHealthy(this.keys.slot(key));
		assertThat(buffer.replay()).isOne();
		assertThat(this.redis.opsForValue().get(key)).isEqualTo("Grace");
		assertThat(this.redis.getExpire(key)).isBetween(38L, 40L);
		assertThat(buffer.pending()).isZero();
		assertThat(buffer.replayed()).isOne();
	}

	@Test
	void aReplayedPutNeverOverwritesANewerValue() {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		String key = "user:{3}:name";
		this.slotHealth.markFailing(this.keys.slot(key));
		assertThat(buffer.set(key, "older", Duration.ofSeconds(60))).isEqualTo(WriteResult.BUFFERED);
		this.redis.opsForValue().set(key, "newer");
		this.slotHealth.markHealthy(this.keys.slot(key));
		buffer.replay();
		assertThat(this.redis.opsForValue().get(key)).isEqualTo("newer");
		assertThat(buffer.pending()).isZero();
		assertThat(buffer.dropped()).as("a plain put cannot tell the value there is newer: reported, not hidden")
			.containsEntry(RejectReason.KEY_EXISTS, 1L);
		assertThat(buffer.replayed()).isZero();
	}

	@Test
	void aReplayedPutThatFindsItsOwnValueCountsAsDelivered() {
		// A write that timed out on the client may still have reached Redis.
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		String key = "user:{31}:name";
		this.slotHealth.markFailing(this.keys.slot(key));
		assertThat(buffer.set(key, "same", Duration.ofSeconds(60))).isEqualTo(WriteResult.BUFFERED);
		this.redis.opsForValue().set(key, "same");
		this.slotHealth.markHealthy(this.keys.slot(key));
		assertThat(buffer.replay()).isOne();
		assertThat(buffer.dropped()).containsEntry(RejectReason.KEY_EXISTS, 0L);
	}

	@Test
	void aDeleteBufferedBeforeAPutIsAppliedFirstAndTheLastWriteWins() {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		String key = "user:{4}:name";
		this.redis.opsForValue().set(key, "stale");
		this.slotHealth.markFailing(this.keys.slot(key));
		assertThat(buffer.delete(key)).isEqualTo(WriteResult.BUFFERED);
		assertThat(buffer.set(key, "first", Duration.ofSeconds(60))).isEqualTo(WriteResult.BUFFERED);
		assertThat(buffer.set(key, "last", Duration.ofSeconds(60))).isEqualTo(WriteResult.BUFFERED);
		assertThat(buffer.pending()).isOne();
		this.slotHealth.markHealthy(this.keys.slot(key));
		buffer.replay();
		assertThat(this.redis.opsForValue().get(key)).isEqualTo("last");
	}

	@Test
	void aDirectWriteToAHealthySlotSupersedesTheBufferedWriteToItsKey() {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		String key = "user:{5}:name";
		this.redis.opsForValue().set(key, "stale");
		this.slotHealth.markFailing(this.keys.slot(key));
		assertThat(buffer.delete(key)).isEqualTo(WriteResult.BUFFERED);
		this.slotHealth.markHealthy(this.keys.slot(key));
		assertThat(buffer.set(key, "direct", Duration.ofSeconds(60))).isEqualTo(WriteResult.WRITTEN);
		assertThat(buffer.pending()).isZero();
		assertThat(this.redis.opsForValue().get(key)).isEqualTo("direct");
		buffer.replay();
		assertThat(this.redis.opsForValue().get(key)).isEqualTo("direct");
	}

	@Test
	void expiredPutsAreDroppedAndCountedButTheirDeleteIsStillApplied() {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		String plain = "user:{6}:a";
		String evicted = "user:{6}:b";
		this.redis.opsForValue().set(evicted, "stale");
		int slot = this.keys.slot(plain);
		this.slotHealth.markFailing(slot);
		buffer.set(plain, "x", Duration.ofSeconds(5));
		buffer.delete(evicted);
		buffer.set(evicted, "y", Duration.ofSeconds(5));
		this.clock.advance(Duration.ofSeconds(6));
		this.slotHealth.markHealthy(slot);
		buffer.replay();
		assertThat(this.redis.hasKey(plain)).isFalse();
		assertThat(this.redis.hasKey(evicted)).isFalse();
		assertThat(buffer.dropped()).containsEntry(RejectReason.EXPIRED, 2L);
		assertThat(buffer.pending()).isZero();
	}

	@Test
	void overflowIsRejectedOrPushesOutTheOldestAndIsCounted() {
		WriteBufferSettings reject = new WriteBufferSettings(2, 1_000_000, WriteBufferSettings.Overflow.REJECT_NEW,
				Duration.ofMillis(200), 10, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ZERO);
		WriteBuffer rejecting = buffer(reject, this.clock);
		this.slotHealth.markFailing(this.keys.slot("{7}"));
		assertThat(rejecting.set("{7}:a", "1", Duration.ZERO)).isEqualTo(WriteResult.BUFFERED);
		assertThat(rejecting.set("{7}:b", "2", Duration.ZERO)).isEqualTo(WriteResult.BUFFERED);
		assertThat(rejecting.set("{7}:c", "3", Duration.ZERO)).isEqualTo(WriteResult.rejected(RejectReason.OVERFLOW));
		assertThat(rejecting.set("{7}:a", "1b", Duration.ZERO)).as("replacing a buffered key always fits")
			.isEqualTo(WriteResult.BUFFERED);
		assertThat(rejecting.rejected()).containsEntry(RejectReason.OVERFLOW, 1L);
		WriteBuffer dropping = buffer(new WriteBufferSettings(2, 1_000_000, WriteBufferSettings.Overflow.DROP_OLDEST,
				Duration.ofMillis(200), 10, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ZERO), this.clock);
		dropping.set("{7}:a", "1", Duration.ZERO);
		dropping.set("{7}:b", "2", Duration.ZERO);
		assertThat(dropping.set("{7}:c", "3", Duration.ZERO)).isEqualTo(WriteResult.BUFFERED);
		assertThat(dropping.dropped()).containsEntry(RejectReason.OVERFLOW, 1L);
		assertThat(dropping.pendingKeys()).extracting(String::new).containsExactly("{7}:b", "{7}:c");
	}

	@Test
	void aReplayedVersionedPutReplacesAnOlderValueButNeverANewerOrForeignOne(LocalRedisCluster cluster) {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		byte[] older = bytes("cache::{8}:older");
		byte[] newer = bytes("cache::{8}:newer");
		byte[] foreign = bytes("cache::{8}:foreign");
		long outageStart = this.clock.millis();
		writeRaw(older, new VersionedValue(outageStart - 60_000, bytes("before the outage")).encode());
		int slot = this.keys.slot(older);
		this.slotHealth.markFailing(slot);
		for (byte[] key : List.of(older, newer, foreign)) {
			assertThat(buffer.setVersioned(key, bytes("during the outage"), Duration.ofMinutes(1)))
				.isEqualTo(WriteResult.BUFFERED);
		}
		writeRaw(newer, new VersionedValue(outageStart + 60_000, bytes("written by another instance")).encode());
		writeRaw(foreign, bytes("not versioned"));
		cluster.masters().forEach((master) -> cluster.call(master, (commands) -> commands.scriptFlush()));
		this.slotHealth.markHealthy(slot);
		assertThat(buffer.replay()).as("applied").isOne();
		assertThat(buffer.pending()).isZero();
		assertThat(buffer.superseded()).as("kept the newer version").isOne();
		assertThat(buffer.dropped()).as("kept the foreign value").containsEntry(RejectReason.KEY_EXISTS, 1L);
		assertThat(payload(older)).isEqualTo("during the outage");
		assertThat(payload(newer)).isEqualTo("written by another instance");
		assertThat(readRaw(foreign)).isEqualTo(bytes("not versioned"));
		assertThat(this.redis.getExpire("cache::{8}:older")).isBetween(58L, 60L);
	}

	@Test
	void aFillOnlyFillsAGapAndNeverDisplacesAWrite() {
		// A long probe interval: no write below may be handed the slot's probe.
		this.slotHealth = new SlotHealth(Duration.ofMinutes(1), Clock.systemUTC());
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		byte[] held = bytes("cache::{10}:held");
		byte[] absent = bytes("cache::{10}:absent");
		byte[] put = bytes("cache::{10}:put");
		byte[] evicted = bytes("cache::{10}:evicted");
		writeRaw(held, new VersionedValue(this.clock.millis() - 60_000, bytes("acknowledged before")).encode());
		writeRaw(evicted, new VersionedValue(this.clock.millis() - 60_000, bytes("evicted")).encode());
		int slot = this.keys.slot(held);
		this.slotHealth.markFailing(slot);
		assertThat(buffer.setVersioned(put, bytes("put during the outage"), Duration.ofMinutes(1)))
			.isEqualTo(WriteResult.BUFFERED);
		assertThat(buffer.delete(evicted)).isEqualTo(WriteResult.BUFFERED);
		for (byte[] key : List.of(held, absent, put, evicted)) {
			assertThat(buffer.fillVersioned(key, bytes("loaded"), Duration.ofMinutes(1), this.clock.millis()))
				.isEqualTo(WriteResult.BUFFERED);
		}
		assertThat(VersionedValue.decode(buffer.pendingWrite(put).value()).payload())
			.as("the buffered put, not the fill")
			.isEqualTo(bytes("put during the outage"));
		this.slotHealth.markHealthy(slot);
		assertThat(buffer.replay()).as("applied: the gap, the put, the fill after the delete").isEqualTo(3);
		assertThat(buffer.pending()).isZero();
		assertThat(payload(held)).as("a fill never replaces a value Redis held").isEqualTo("acknowledged before");
		assertThat(payload(absent)).isEqualTo("loaded");
		assertThat(payload(put)).isEqualTo("put during the outage");
		assertThat(payload(evicted)).as("the delete first, then the fill").isEqualTo("loaded");
		assertThat(buffer.superseded()).as("fills are not puts: nothing counted").isZero();
		assertThat(buffer.dropped()).as("nothing is lost that was asked for")
			.containsEntry(RejectReason.KEY_EXISTS, 0L);
		assertThat(this.redis.getExpire("cache::{10}:absent")).isBetween(58L, 60L);
		// In a healthy slot a fill is SET NX at once.
		assertThat(buffer.fillVersioned(held, bytes("loaded again"), Duration.ofMinutes(1), this.clock.millis()))
			.isEqualTo(WriteResult.WRITTEN);
		assertThat(payload(held)).isEqualTo("acknowledged before");
	}

	@Test
	void aFillCarriesTheTimeOfItsMissSoAPutMadeAfterTheMissOutranksIt() {
		this.slotHealth = new SlotHealth(Duration.ofMinutes(1), Clock.systemUTC());
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		byte[] key = bytes("cache::{11}:k");
		long missedAt = this.clock.millis();
		// The loader ran long: another instance's put, buffered during an outage, came
		// after the miss but before the fill.
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(buffer.fillVersioned(key, bytes("loaded from a stale source"), Duration.ofMinutes(1), missedAt))
			.isEqualTo(WriteResult.WRITTEN);
		WriteBuffer other = buffer(WriteBufferSettings.defaults(), this.clock);
		int slot = this.keys.slot(key);
		this.slotHealth.markFailing(slot);
		this.clock.advance(Duration.ofMillis(-4000));
		assertThat(other.setVersioned(key, bytes("put after the miss"), Duration.ofMinutes(1)))
			.isEqualTo(WriteResult.BUFFERED);
		this.slotHealth.markHealthy(slot);
		assertThat(other.replay()).isOne();
		assertThat(payload(key)).isEqualTo("put after the miss");
	}

	@Test
	void aDirectWriteThatWinsTheProbeAndSucceedsClearsItsMastersMark() {
		this.slotHealth = new SlotHealth(Duration.ofSeconds(1), this.clock);
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		String key = "user:{13}:name";
		int slot = this.keys.slot(key);
		this.slotHealth.markFailing(slot);
		assertThat(buffer.set(key, "during", Duration.ZERO)).isEqualTo(WriteResult.BUFFERED);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(buffer.set("user:{13}:other", "the probe", Duration.ZERO)).isEqualTo(WriteResult.WRITTEN);
		assertThat(this.slotHealth.isSuspect(slot)).as("the probe's success clears the mark").isFalse();
		assertThat(buffer.replay()).isOne();
		assertThat(this.redis.opsForValue().get(key)).isEqualTo("during");
	}

	@Test
	void aFillNeverTakesRoomFromAWrite() {
		this.slotHealth = new SlotHealth(Duration.ofMinutes(1), Clock.systemUTC());
		WriteBuffer buffer = buffer(new WriteBufferSettings(1, 1_000_000, WriteBufferSettings.Overflow.DROP_OLDEST,
				Duration.ofMillis(200), 10, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ZERO), this.clock);
		this.slotHealth.markFailing(this.keys.slot("{12}"));
		assertThat(buffer.setVersioned(bytes("{12}:put"), bytes("acknowledged"), Duration.ZERO))
			.isEqualTo(WriteResult.BUFFERED);
		assertThat(buffer.fillVersioned(bytes("{12}:fill"), bytes("loaded"), Duration.ZERO, this.clock.millis()))
			.isEqualTo(WriteResult.rejected(RejectReason.OVERFLOW));
		assertThat(buffer.pendingKeys()).extracting(String::new).containsExactly("{12}:put");
		assertThat(buffer.dropped()).as("a declined fill loses nothing").containsEntry(RejectReason.OVERFLOW, 0L);
		assertThat(buffer.rejected()).containsEntry(RejectReason.OVERFLOW, 0L);
	}

	@Test
	void pendingWritesAreVisibleToTheirWriterUntilReplayed() {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), this.clock);
		byte[] key = bytes("cache::{9}:k");
		assertThat(buffer.pendingWrite(key)).isNull();
		this.slotHealth.markFailing(this.keys.slot(key));
		buffer.setVersioned(key, bytes("v1"), Duration.ofMinutes(1));
		assertThat(VersionedValue.decode(buffer.pendingWrite(key).value()).payload()).isEqualTo(bytes("v1"));
		buffer.delete(key);
		assertThat(buffer.pendingWrite(key)).isNotNull().extracting(WriteBuffer.PendingWrite::value).isNull();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	private void writeRaw(byte[] key, byte[] value) {
		this.redis.execute(
				(org.springframework.data.redis.core.RedisCallback<Object>) (connection) -> connection.stringCommands()
					.set(key, value));
	}

	private byte[] readRaw(byte[] key) {
		return this.redis.execute(
				(org.springframework.data.redis.core.RedisCallback<byte[]>) (connection) -> connection.stringCommands()
					.get(key));
	}

	private String payload(byte[] key) {
		return new String(VersionedValue.decode(readRaw(key)).payload(), java.nio.charset.StandardCharsets.UTF_8);
	}

	@Test
	void writesDuringAMasterKillAreAllInRedisAfterFailover(LocalRedisCluster cluster) {
		WriteBuffer buffer = buffer(WriteBufferSettings.defaults(), Clock.systemUTC());
		buffer.start();
		try {
			ClusterNode victim = cluster.masterForKey("drill:{0}");
			Map<String, String> acknowledged = new LinkedHashMap<>();
			List<WriteResult> results = new ArrayList<>();
			cluster.kill(victim);
			for (int i = 0; i < 300; i++) {
				String key = "drill:{" + (i % 30) + "}:" + i;
				WriteResult result = buffer.set(key, "v" + i, Duration.ofMinutes(5));
				results.add(result);
				if (result.acknowledged()) {
					acknowledged.put(key, "v" + i);
				}
			}
			assertThat(results).contains(WriteResult.BUFFERED)
				.doesNotContain(WriteResult.rejected(RejectReason.REFUSED));
			assertThat(acknowledged).hasSize(300);
			await().atMost(Duration.ofSeconds(30)).until(() -> buffer.pending() == 0);
			acknowledged
				.forEach((key, value) -> assertThat(this.redis.opsForValue().get(key)).as(key).isEqualTo(value));
			assertThat(buffer.dropped().values()).allMatch((count) -> count == 0);
		}
		finally {
			buffer.stop();
		}
	}

	@Test
	void writesBufferedWhenTheBufferStopsAreReplayedFromTheJournalByTheNextOne(@TempDir Path journalDirectory) {
		WriteBufferSettings settings = new WriteBufferSettings(100, 1_000_000, WriteBufferSettings.Overflow.REJECT_NEW,
				Duration.ofMillis(50), 10, Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofMillis(100));
		String put = "journal:{10}:put";
		String evicted = "journal:{10}:evicted";
		this.redis.opsForValue().set(evicted, "stale");
		int slot = this.keys.slot(put);
		this.slotHealth.markFailing(slot);
		WriteBufferJournal journal = WriteBufferJournal.open(journalDirectory, Duration.ofMillis(20));
		WriteBuffer first = new WriteBuffer(this.connectionFactory, this.keys, new SlotGuard(this.slotHealth), settings,
				this.clock, journal);
		first.start();
		assertThat(first.set(put, "kept", Duration.ofSeconds(60))).isEqualTo(WriteResult.BUFFERED);
		assertThat(first.delete(evicted)).isEqualTo(WriteResult.BUFFERED);
		first.stop();
		journal.close();
		assertThat(first.pending()).as("the slot was still failing: nothing could be delivered").isEqualTo(2);
		assertThat(this.redis.opsForValue().get(evicted)).isEqualTo("stale");
		this.clock.advance(Duration.ofSeconds(10));
		SlotHealth healthy = new SlotHealth(Duration.ofMillis(200), Clock.systemUTC());
		try (WriteBufferJournal reopened = WriteBufferJournal.open(journalDirectory, Duration.ofMillis(20))) {
			WriteBuffer second = new WriteBuffer(this.connectionFactory, this.keys, new SlotGuard(healthy), settings,
					this.clock, reopened);
			second.start();
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> second.pending() == 0);
				assertThat(this.redis.opsForValue().get(put)).isEqualTo("kept");
				assertThat(this.redis.getExpire(put)).as("what remains of the original deadline").isBetween(48L, 50L);
				assertThat(this.redis.hasKey(evicted)).isFalse();
				assertThat(reopened.size()).as("emptied once delivered").isZero();
			}
			finally {
				second.stop();
			}
		}
	}

}
