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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.slotwise.TestClock;
import dev.slotwise.buffer.WriteResult.RejectReason;
import dev.slotwise.key.ClusterKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of the {@link WriteStore}, without Redis.
 */
class WriteStoreTests {

	private final TestClock clock = new TestClock();

	private final ClusterKeys keys = new ClusterKeys();

	private final Events events = new Events();

	private WriteStore store(int maxEntries, long maxBytes, WriteBufferSettings.Overflow overflow) {
		WriteBufferSettings settings = new WriteBufferSettings(maxEntries, maxBytes, overflow, Duration.ofMillis(100),
				100, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ZERO);
		return new WriteStore(settings, this.clock, this.keys::slot, this.events);
	}

	private WriteStore store() {
		return store(100, 1_000_000, WriteBufferSettings.Overflow.REJECT_NEW);
	}

	@Test
	void theLastWriteToAKeyWinsAndTakesTheFirstOnesPlace() {
		WriteStore store = store();
		assertThat(store.hold(put("a", "1"))).isEqualTo(WriteResult.BUFFERED);
		assertThat(store.hold(put("b", "1"))).isEqualTo(WriteResult.BUFFERED);
		assertThat(store.hold(put("a", "22"))).isEqualTo(WriteResult.BUFFERED);
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.bytes()).isEqualTo(2 + 1 + 1 + 1);
		assertThat(values(store)).containsExactly("b=1", "a=22");
		assertThat(this.events.buffered).isEqualTo(3);
	}

	@Test
	void aDeleteHeldBeforeAPutIsKeptAndAppliedFirst() {
		WriteStore store = store();
		store.hold(BufferedWrite.delete(key("a")));
		store.hold(put("a", "1"));
		BufferedWrite held = store.get(key("a"));
		assertThat(held.deleteFirst()).isTrue();
		assertThat(held.value()).isEqualTo(bytes("1"));
		store.hold(put("a", "2"));
		assertThat(store.get(key("a")).deleteFirst()).as("still, after another put").isTrue();
		store.hold(BufferedWrite.delete(key("b")));
		store.hold(BufferedWrite.delete(key("b")));
		assertThat(store.get(key("b")).isDelete()).isTrue();
	}

	@Test
	void aFillNeverDisplacesAHeldWrite() {
		WriteStore store = store();
		store.hold(versioned("a", "put"));
		assertThat(store.hold(fill("a", "loaded"))).as("accepted: the held put decides")
			.isEqualTo(WriteResult.BUFFERED);
		assertThat(store.get(key("a")).value()).isEqualTo(bytes("put"));
		assertThat(store.get(key("a")).kind()).isEqualTo(BufferedWrite.Kind.VERSIONED_PUT);
		store.hold(BufferedWrite.delete(key("b")));
		store.hold(fill("b", "loaded"));
		assertThat(store.get(key("b")).isFill()).as("a fill over a held delete").isTrue();
		assertThat(store.get(key("b")).deleteFirst()).isTrue();
		assertThat(this.events.buffered).as("the fill over a put was not counted").isEqualTo(3);
	}

	@Test
	void aFillNeverTakesRoomFromAWriteEvenWhenTheOldestMayBeDropped() {
		WriteStore store = store(2, 1_000_000, WriteBufferSettings.Overflow.DROP_OLDEST);
		store.hold(put("a", "1"));
		store.hold(put("b", "1"));
		assertThat(store.hold(fill("c", "1"))).isEqualTo(WriteResult.rejected(RejectReason.OVERFLOW));
		assertThat(values(store)).containsExactly("a=1", "b=1");
		assertThat(this.events.rejected).as("a declined fill is not a rejected write").isEmpty();
		assertThat(this.events.dropped).isEmpty();
	}

	@Test
	void theEntriesBoundRejectsNewWritesOrDropsTheOldestByPolicy() {
		WriteStore rejecting = store(2, 1_000_000, WriteBufferSettings.Overflow.REJECT_NEW);
		rejecting.hold(put("a", "1"));
		rejecting.hold(put("b", "1"));
		assertThat(rejecting.hold(put("c", "1"))).isEqualTo(WriteResult.rejected(RejectReason.OVERFLOW));
		assertThat(rejecting.hold(put("a", "2"))).as("an overwrite needs no room").isEqualTo(WriteResult.BUFFERED);
		assertThat(this.events.rejected).containsEntry(RejectReason.OVERFLOW, 1);
		WriteStore dropping = store(2, 1_000_000, WriteBufferSettings.Overflow.DROP_OLDEST);
		dropping.hold(put("a", "1"));
		dropping.hold(put("b", "1"));
		assertThat(dropping.hold(put("c", "1"))).isEqualTo(WriteResult.BUFFERED);
		assertThat(values(dropping)).containsExactly("b=1", "c=1");
		assertThat(this.events.dropped).containsEntry(RejectReason.OVERFLOW, 1);
		assertThat(this.events.done).contains("a");
	}

	@Test
	void theBytesBoundCountsKeysAndValues() {
		WriteStore store = store(100, 10, WriteBufferSettings.Overflow.REJECT_NEW);
		assertThat(store.hold(put("a", "12345678"))).isEqualTo(WriteResult.BUFFERED);
		assertThat(store.hold(put("b", "1"))).isEqualTo(WriteResult.rejected(RejectReason.OVERFLOW));
		assertThat(store.hold(put("a", "123456789"))).as("growing in place to the bound")
			.isEqualTo(WriteResult.BUFFERED);
		assertThat(store.bytes()).isEqualTo(10);
		assertThat(store.hold(put("a", "1234567890"))).isEqualTo(WriteResult.rejected(RejectReason.OVERFLOW));
	}

	@Test
	void aPutThatExpiredIsRejectedWhenHeldAndDroppedWhenItComesUpForReplay() {
		WriteStore store = store();
		long now = this.clock.millis();
		assertThat(store.hold(BufferedWrite.put(key("late"), bytes("1"), now)))
			.isEqualTo(WriteResult.rejected(RejectReason.EXPIRED));
		store.hold(BufferedWrite.put(key("a"), bytes("1"), now + 1000));
		store.hold(BufferedWrite.delete(key("b")));
		store.hold(BufferedWrite.put(key("b"), bytes("1"), now + 1000));
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(store.get(key("a")).expiredAt(this.clock.millis())).isTrue();
		List<BufferedWrite> batch = store.nextBatch((slot) -> true);
		assertThat(batch).as("the delete held before b's put is kept").containsExactly(BufferedWrite.delete(key("b")));
		assertThat(this.events.dropped).containsEntry(RejectReason.EXPIRED, 2);
		assertThat(store.size()).isEqualTo(1);
		assertThat(store.bytes()).isEqualTo(1);
	}

	@Test
	void aBatchIsGroupedBySlotSkipsSlotsThatMayNotReplayAndWritesAlreadyInFlight() {
		WriteStore store = store();
		store.hold(put("user:{1}:a", "1"));
		store.hold(put("user:{2}:a", "1"));
		store.hold(put("user:{1}:b", "1"));
		int blocked = this.keys.slot("user:{2}:a");
		List<BufferedWrite> batch = store.nextBatch((slot) -> slot != blocked);
		assertThat(batch).extracting((write) -> new String(write.key(), StandardCharsets.UTF_8))
			.containsExactly("user:{1}:a", "user:{1}:b");
		assertThat(store.nextBatch((slot) -> true)).as("the others are on the wire")
			.extracting((write) -> new String(write.key(), StandardCharsets.UTF_8))
			.containsExactly("user:{2}:a");
		store.release(batch.get(0));
		assertThat(store.nextBatch((slot) -> true)).containsExactly(batch.get(0));
	}

	@Test
	void aWriteToAKeyWhoseReplayIsOnTheWireQueuesBehindItAndTheReplayDoesNotRemoveIt() {
		WriteStore store = store();
		store.hold(put("a", "old"));
		BufferedWrite onTheWire = store.nextBatch((slot) -> true).get(0);
		WriteStore.Admission admission = store.admit(put("a", "new"), () -> false);
		assertThat(admission.held()).as("queued, although the slot is healthy").isEqualTo(WriteResult.BUFFERED);
		assertThat(store.remove(onTheWire)).as("the newer write stays").isFalse();
		assertThat(store.get(key("a")).value()).isEqualTo(bytes("new"));
	}

	@Test
	void aDirectWriteToAHealthySlotTakesTheHeldWriteOutAndCanPutItBack() {
		WriteStore store = store();
		store.hold(put("a", "old"));
		WriteStore.Admission admission = store.admit(put("a", "new"), () -> false);
		assertThat(admission.held()).isNull();
		assertThat(admission.claimed()).singleElement().extracting(BufferedWrite::value).isEqualTo(bytes("old"));
		assertThat(store.size()).isZero();
		assertThat(this.events.done).as("the journal keeps it until the direct write is in Redis").isEmpty();
		store.restore(admission.claimed().get(0));
		assertThat(store.get(key("a")).value()).isEqualTo(bytes("old"));
		assertThat(this.events.held).as("journaled again").containsExactly("a=old", "a=old");
		WriteStore.Admission second = store.admit(put("a", "new"), () -> false);
		store.hold(put("a", "newer"));
		store.restore(second.claimed().get(0));
		assertThat(store.get(key("a")).value()).as("a write held since wins").isEqualTo(bytes("newer"));
		assertThat(this.events.done).isEmpty();
	}

	@Test
	void aWriteTakenOutByADirectWriteIsDoneOnlyWhenTheDirectWriteSettles() {
		WriteStore store = store();
		store.hold(put("a", "old"));
		store.hold(put("b", "old"));
		WriteStore.Admission direct = store.admit(put("a", "new"), () -> false);
		BufferedWrite b = store.nextBatch((slot) -> true).get(0);
		assertThat(store.remove(b)).isTrue();
		assertThat(this.events.done).containsExactly("b");
		assertThat(this.events.emptied).as("the taken write still needs the journal").isZero();
		direct.claimed().forEach(store::settle);
		assertThat(this.events.done).containsExactly("b", "a");
		assertThat(this.events.emptied).isOne();
		store.hold(put("c", "old"));
		WriteStore.Admission overtaken = store.admit(put("c", "new"), () -> false);
		store.hold(put("c", "newer"));
		overtaken.claimed().forEach(store::settle);
		assertThat(this.events.done).as("the write held since is not done").containsExactly("b", "a");
		assertThat(store.get(key("c")).value()).isEqualTo(bytes("newer"));
	}

	@Test
	void aWriteToAFailingSlotIsHeldAndAFillQueuesBehindAnyHeldWrite() {
		WriteStore store = store();
		assertThat(store.admit(put("a", "1"), () -> true).held()).isEqualTo(WriteResult.BUFFERED);
		assertThat(store.admit(fill("a", "loaded"), () -> false).held()).isEqualTo(WriteResult.BUFFERED);
		assertThat(store.get(key("a")).value()).isEqualTo(bytes("1"));
		assertThat(store.admit(fill("b", "loaded"), () -> false)).isEqualTo(WriteStore.Admission.PROCEED);
	}

	@Test
	void recoveredWritesNeverReplaceOnesHeldSince() {
		WriteStore store = store();
		store.hold(put("a", "new"));
		store.recover(List.of(put("a", "old"), put("b", "old")));
		assertThat(values(store)).containsExactly("a=new", "b=old");
	}

	@Test
	void everyChangeReachesTheListenerInOrder() {
		WriteStore store = store();
		store.hold(put("a", "1"));
		store.hold(put("a", "2"));
		BufferedWrite batch = store.nextBatch((slot) -> true).get(0);
		assertThat(store.remove(batch)).isTrue();
		assertThat(this.events.held).containsExactly("a=1", "a=2");
		assertThat(this.events.done).containsExactly("a");
		assertThat(this.events.emptied).isEqualTo(1);
	}

	@Test
	void aTagEvictionSupersedesTheWritesHeldBeforeItForItsKeysAndNoOthers() {
		WriteStore store = store();
		store.hold(put("orders::{42}:open", "1"));
		store.hold(put("orders::{42}", "all"));
		store.hold(BufferedWrite.delete(key("orders::{42}:shipped")));
		store.hold(put("orders::{420}:open", "1"));
		store.hold(put("invoices::{42}:open", "1"));
		store.hold(put("orders::42", "untagged"));
		assertThat(store.hold(evictTag("orders::{42}"))).isEqualTo(WriteResult.BUFFERED);
		assertThat(values(store)).containsExactly("orders::{420}:open=1", "invoices::{42}:open=1",
				"orders::42=untagged", "orders::{42}=-");
		assertThat(store.get(key("orders::{42}:open")).isPrefixDelete()).as("read back as a delete").isTrue();
		assertThat(store.get(key("orders::{42}")).isPrefixDelete()).as("the tag's own entry too").isTrue();
		assertThat(store.get(key("orders::{420}:open")).value()).isEqualTo(bytes("1"));
		assertThat(this.events.done).as("superseded, like an overwrite: not dropped")
			.containsExactly("orders::{42}:open", "orders::{42}", "orders::{42}:shipped");
		assertThat(this.events.dropped).isEmpty();
	}

	@Test
	void aPutAfterATagEvictionIsHeldBehindItAndReplayedOnlyOnceItIsDone() {
		WriteStore store = store();
		store.hold(evictTag("orders::{42}"));
		WriteStore.Admission admission = store.admit(put("orders::{42}:open", "new"), () -> false);
		assertThat(admission.held()).as("queued, although the slot is healthy").isEqualTo(WriteResult.BUFFERED);
		assertThat(store.admit(put("orders::{43}:open", "other"), () -> false)).as("another tag goes to Redis")
			.isEqualTo(WriteStore.Admission.PROCEED);
		store.hold(put("orders::{43}:x", "1"));
		assertThat(store.get(key("orders::{42}:open")).value()).as("read your later write").isEqualTo(bytes("new"));
		List<BufferedWrite> first = store.nextBatch((slot) -> true);
		assertThat(first).as("never in the eviction's batch")
			.extracting(WriteStoreTests::describe)
			.containsExactly("orders::{42}=-", "orders::{43}:x=1");
		assertThat(store.nextBatch((slot) -> true)).as("not while the eviction is on the wire").isEmpty();
		assertThat(store.remove(first.get(0))).isTrue();
		assertThat(store.nextBatch((slot) -> true)).extracting(WriteStoreTests::describe)
			.containsExactly("orders::{42}:open=new");
	}

	@Test
	void aTagEvictionThatMayNotReplayYetHoldsBackTheLaterWritesItCovers() {
		WriteStore store = store();
		store.hold(evictTag("orders::{42}"));
		store.hold(put("orders::{42}:open", "new"));
		store.hold(put("orders::{43}:open", "other"));
		int failing = this.keys.slot("42");
		assertThat(store.nextBatch((slot) -> slot != failing)).extracting(WriteStoreTests::describe)
			.containsExactly("orders::{43}:open=other");
	}

	@Test
	void aTagEvictionWaitsForTheReplayOnTheWireOfAWriteItCovers() {
		WriteStore store = store();
		store.hold(put("orders::{42}:open", "old"));
		BufferedWrite onTheWire = store.nextBatch((slot) -> true).get(0);
		assertThat(store.admit(evictTag("orders::{42}"), () -> false).held()).as("queued behind the replay")
			.isEqualTo(WriteResult.BUFFERED);
		assertThat(store.get(key("orders::{42}:open")).isPrefixDelete()).isTrue();
		assertThat(store.nextBatch((slot) -> true)).as("not before the replay ends").isEmpty();
		assertThat(store.remove(onTheWire)).as("superseded: its result removes nothing").isFalse();
		assertThat(store.nextBatch((slot) -> true)).extracting(WriteStoreTests::describe)
			.containsExactly("orders::{42}=-");
	}

	@Test
	void aDirectTagEvictionTakesOutTheWritesItCoversAndCanPutThemBack() {
		WriteStore store = store();
		store.hold(put("orders::{42}:open", "old"));
		store.hold(put("orders::{43}:open", "other"));
		WriteStore.Admission admission = store.admit(evictTag("orders::{42}"), () -> false);
		assertThat(admission.held()).isNull();
		assertThat(admission.claimed()).extracting(WriteStoreTests::describe).containsExactly("orders::{42}:open=old");
		assertThat(values(store)).containsExactly("orders::{43}:open=other");
		assertThat(this.events.done).as("the journal keeps it until the eviction is in Redis").isEmpty();
		admission.claimed().forEach(store::restore);
		assertThat(values(store)).containsExactly("orders::{43}:open=other", "orders::{42}:open=old");
		WriteStore.Admission second = store.admit(evictTag("orders::{42}"), () -> false);
		store.hold(evictTag("orders::{42}"));
		second.claimed().forEach(store::restore);
		assertThat(values(store)).as("an eviction held since wins")
			.containsExactly("orders::{43}:open=other", "orders::{42}=-");
	}

	@Test
	void aNarrowerTagEvictionQueuesBehindABroaderOneAndAFailingSlotHoldsIt() {
		WriteStore store = store();
		store.hold(evictTag("orders::{42}"));
		store.hold(put("orders::{42}:a:1", "after"));
		assertThat(store.admit(evictTag("orders::{42}:a"), () -> false).held()).isEqualTo(WriteResult.BUFFERED);
		assertThat(values(store)).as("the narrower one supersedes the put it covers, not the broader eviction")
			.containsExactly("orders::{42}=-", "orders::{42}:a=-");
		assertThat(store.nextBatch((slot) -> true)).extracting(WriteStoreTests::describe)
			.containsExactly("orders::{42}=-");
		WriteStore other = store();
		assertThat(other.admit(evictTag("orders::{7}"), () -> true).held()).isEqualTo(WriteResult.BUFFERED);
	}

	@Test
	void aTagEvictionAndAPutOfTheSameBytesAreDifferentWrites() {
		WriteStore store = store();
		store.hold(evictTag("orders::{42}"));
		store.hold(put("orders::{42}", "after"));
		assertThat(values(store)).containsExactly("orders::{42}=-", "orders::{42}=after");
		assertThat(store.get(key("orders::{42}")).value()).isEqualTo(bytes("after"));
		List<BufferedWrite> batch = store.nextBatch((slot) -> true);
		assertThat(batch).extracting(BufferedWrite::isPrefixDelete).containsExactly(true);
		store.remove(batch.get(0));
		assertThat(values(store)).containsExactly("orders::{42}=after");
	}

	@Test
	void aTagEvictionThatDoesNotFitIsRejectedAndKeepsTheWritesItCovers() {
		WriteStore store = store(2, 1_000_000, WriteBufferSettings.Overflow.REJECT_NEW);
		store.hold(put("a", "1"));
		store.hold(put("b", "1"));
		assertThat(store.hold(evictTag("orders::{42}"))).isEqualTo(WriteResult.rejected(RejectReason.OVERFLOW));
		store.hold(evictTag("a"));
		assertThat(values(store)).containsExactly("b=1", "a=-");
	}

	@Test
	void recoveredTagEvictionsKeepTheirPlaceAndCoverTheirKeys() {
		WriteStore store = store();
		store.recover(List.of(evictTag("orders::{42}"), put("orders::{42}:open", "after")));
		assertThat(store.get(key("orders::{42}:x")).isPrefixDelete()).isTrue();
		assertThat(store.nextBatch((slot) -> true)).extracting(WriteStoreTests::describe)
			.containsExactly("orders::{42}=-");
	}

	private static BufferedWrite evictTag(String prefix) {
		return BufferedWrite.deletePrefix(key(prefix));
	}

	private static List<String> values(WriteStore store) {
		return store.writes().stream().map(WriteStoreTests::describe).toList();
	}

	private static String describe(BufferedWrite write) {
		return new String(write.key(), StandardCharsets.UTF_8) + "="
				+ ((write.value() != null) ? new String(write.value(), StandardCharsets.UTF_8) : "-");
	}

	private BufferedWrite put(String key, String value) {
		return BufferedWrite.put(key(key), bytes(value), 0);
	}

	private BufferedWrite versioned(String key, String value) {
		return BufferedWrite.versionedPut(key(key), bytes(value), 0);
	}

	private BufferedWrite fill(String key, String value) {
		return BufferedWrite.fill(key(key), bytes(value), 0);
	}

	private static byte[] key(String key) {
		return bytes(key);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static final class Events implements WriteStore.Listener {

		final List<String> held = new ArrayList<>();

		final List<String> done = new ArrayList<>();

		final Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);

		final Map<RejectReason, Integer> dropped = new EnumMap<>(RejectReason.class);

		int buffered;

		int emptied;

		@Override
		public void held(BufferedWrite write) {
			this.held.add(describe(write));
		}

		@Override
		public void done(BufferedWrite write, boolean empty) {
			this.done.add(new String(write.key(), StandardCharsets.UTF_8));
			this.emptied += empty ? 1 : 0;
		}

		@Override
		public void buffered() {
			this.buffered++;
		}

		@Override
		public void rejected(RejectReason reason) {
			this.rejected.merge(reason, 1, Integer::sum);
		}

		@Override
		public void dropped(RejectReason reason, int count) {
			this.dropped.merge(reason, count, Integer::sum);
		}

	}

}
