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

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.function.ToIntFunction;

import dev.slotwise.buffer.WriteResult.RejectReason;
import org.jspecify.annotations.Nullable;

/**
 * The writes a {@link WriteBuffer} holds, and the rules that keep them right. Pure: no
 * Redis, no threads of its own; time comes from its clock.
 *
 * <ul>
 * <li>Per key, the last write wins, and a delete held before a put is kept: the put is
 * replayed after deleting the key ({@link BufferedWrite#deleteFirst()}).</li>
 * <li>A fill never displaces a write held for its key and never takes room from one: when
 * the store is full it is declined, not counted.</li>
 * <li>A write whose replay is on the wire ({@link #nextBatch taken}) stays in place; a
 * newer write to its key replaces it in the store, and the replay's result then no longer
 * removes it ({@link #remove}).</li>
 * <li>The store is bounded by entries and bytes; a write that does not fit is rejected or
 * pushes out the oldest, by {@link WriteBufferSettings.Overflow policy}.</li>
 * <li>A put whose time to live ran out is dropped when it comes up for replay; a delete
 * held before it is kept.</li>
 * <li>A prefix delete (every entry of a hash tag evicted at once,
 * {@link BufferedWrite#deletePrefix}) is ordered against the writes it
 * {@link BufferedWrite#covers covers}, the writes to keys that start with its prefix:
 * <ul>
 * <li>held, it supersedes the covered writes held before it (they leave the store; one
 * whose replay is on the wire stays on the wire, and its result no longer removes
 * anything);</li>
 * <li>a covered write that comes after it is held behind it, never sent to Redis
 * directly, and is not taken for replay until the prefix delete is done, nor in the same
 * batch; a read of a covered key sees the later write, or else the delete;</li>
 * <li>it is not sent, directly or by replay, while a write it overlaps is on the wire,
 * nor before a broader prefix delete held before it;</li>
 * <li>sent directly, it takes the writes it covers out of the store, to be
 * {@link #restore restored} if it fails.</li>
 * </ul>
 * Writes it does not cover, other keys of its slot included, keep their order and
 * pace.</li>
 * </ul>
 * Every change is reported to a {@link Listener} (the journal, the counters) under the
 * store's lock, so the listener sees the changes in order.
 *
 * <p>
 * Thread-safe: one lock guards the map; {@link #size()} is a volatile read so the healthy
 * path of a writer never takes the lock.
 */
final class WriteStore {

	private final WriteBufferSettings settings;

	private final Clock clock;

	private final ToIntFunction<byte[]> slots;

	private final Listener listener;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final LinkedHashMap<Key, BufferedWrite> writes = new LinkedHashMap<>();

	/** The prefix deletes in {@link #writes}, oldest first. */
	private final List<BufferedWrite> prefixDeletes = new ArrayList<>();

	/** Writes whose replay is on the wire, by identity. */
	private final Set<BufferedWrite> inFlight = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

	private volatile int size;

	private long bytes;

	/**
	 * Writes {@link #admit admission} took out for a direct write that has not yet
	 * {@link #settle settled} or been {@link #restore restored}: the journal still needs
	 * them, so it is not told the store is empty.
	 */
	private int claimed;

	/**
	 * Create an empty store.
	 * @param settings the bounds and the overflow policy
	 * @param clock the clock for deadlines
	 * @param slots the slot of a key
	 * @param listener told of every change
	 */
	WriteStore(WriteBufferSettings settings, Clock clock, ToIntFunction<byte[]> slots, Listener listener) {
		this.settings = settings;
		this.clock = clock;
		this.slots = slots;
		this.listener = listener;
	}

	/**
	 * Decide what a write about to be sent to Redis does, under one lock: it is held
	 * (queued behind a write to its key whose replay is on the wire, a fill behind any
	 * held write, or any write to a slot that fails fast), or it may go to Redis and
	 * takes the write held for its key out of the store, to be
	 * {@link #restore(BufferedWrite) restored} if it fails or {@link #settle settled} if
	 * it succeeds. The listener is told the taken write is done only when it settles:
	 * until the direct write is in Redis, the taken write is the key's last acknowledged
	 * one, and a crash in between must find it in the journal.
	 * @param write the write
	 * @param slotFailsFast asked only when nothing else decides; may hand the caller the
	 * slot's one probe
	 * @return the decision
	 */
	Admission admit(BufferedWrite write, BooleanSupplier slotFailsFast) {
		if (this.size == 0) {
			return slotFailsFast.getAsBoolean() ? new Admission(hold(write), List.of()) : Admission.PROCEED;
		}
		this.lock.lock();
		try {
			if (write.isPrefixDelete()) {
				return admitPrefixDelete(write, slotFailsFast);
			}
			Key key = Key.of(write);
			BufferedWrite held = this.writes.get(key);
			// Decided before failsFast, which may hand this caller the slot's one probe.
			if (held != null && (this.inFlight.contains(held) || write.isFill())) {
				return new Admission(hold(write), List.of());
			}
			if (coveringPrefixDelete(write.key()) != null) {
				// A prefix delete held for this key goes to Redis first.
				return new Admission(hold(write), List.of());
			}
			if (slotFailsFast.getAsBoolean()) {
				return new Admission(hold(write), List.of());
			}
			if (held == null) {
				return Admission.PROCEED;
			}
			// The slot is healthy: this newer write supersedes the held one, once it
			// is in Redis.
			takeOut(key, held);
			return new Admission(null, List.of(held));
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A prefix delete queues behind the writes it overlaps on the wire and behind a
	 * broader prefix delete; otherwise it may go to Redis, taking out the writes it
	 * covers. Called under the lock.
	 */
	private Admission admitPrefixDelete(BufferedWrite delete, BooleanSupplier slotFailsFast) {
		for (BufferedWrite onTheWire : this.inFlight) {
			if (onTheWire.overlaps(delete)) {
				return new Admission(hold(delete), List.of());
			}
		}
		for (BufferedWrite held : this.prefixDeletes) {
			if (held.covers(delete) && !delete.covers(held)) {
				return new Admission(hold(delete), List.of());
			}
		}
		if (slotFailsFast.getAsBoolean()) {
			return new Admission(hold(delete), List.of());
		}
		List<BufferedWrite> claimed = new ArrayList<>();
		for (Map.Entry<Key, BufferedWrite> held : List.copyOf(this.writes.entrySet())) {
			if (delete.covers(held.getValue())) {
				takeOut(held.getKey(), held.getValue());
				claimed.add(held.getValue());
			}
		}
		return new Admission(null, List.copyOf(claimed));
	}

	/**
	 * Hold a write.
	 * @param write the write
	 * @return {@link WriteResult#BUFFERED} or a rejection
	 */
	WriteResult hold(BufferedWrite write) {
		if (write.expiredAt(this.clock.millis())) {
			this.listener.rejected(RejectReason.EXPIRED);
			return WriteResult.rejected(RejectReason.EXPIRED);
		}
		this.lock.lock();
		try {
			if (write.isPrefixDelete()) {
				return holdPrefixDelete(write);
			}
			Key key = Key.of(write);
			BufferedWrite previous = this.writes.get(key);
			if (write.isFill() && previous != null && !previous.isDelete()) {
				// A held put (or fill) decides what the key holds: the fill adds nothing.
				return WriteResult.BUFFERED;
			}
			long growth = write.size() - ((previous != null) ? previous.size() : 0);
			boolean fits = (previous != null || this.writes.size() < this.settings.maxEntries())
					&& this.bytes + growth <= this.settings.maxBytes();
			if (!fits && write.isFill()) {
				// A fill is optional: it never takes room from a write.
				return WriteResult.rejected(RejectReason.OVERFLOW);
			}
			if (!fits) {
				if (this.settings.overflow() == WriteBufferSettings.Overflow.REJECT_NEW) {
					this.listener.rejected(RejectReason.OVERFLOW);
					return WriteResult.rejected(RejectReason.OVERFLOW);
				}
				makeRoom(key, write.size());
			}
			// Last write wins; a delete held earlier for the key is applied first.
			BufferedWrite merged = (previous != null && !write.isDelete() && previous.deleteFirst())
					? write.afterDelete() : write;
			if (previous != null) {
				this.writes.remove(key);
				this.bytes -= previous.size();
			}
			put(key, merged);
			this.listener.buffered();
			return WriteResult.BUFFERED;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Hold a prefix delete: it supersedes the writes it covers, which leave the store
	 * (or, if it does not fit and new writes are rejected, stay with it refused). Called
	 * under the lock.
	 */
	private WriteResult holdPrefixDelete(BufferedWrite delete) {
		List<Map.Entry<Key, BufferedWrite>> covered = new ArrayList<>();
		long freed = 0;
		for (Map.Entry<Key, BufferedWrite> held : this.writes.entrySet()) {
			if (delete.covers(held.getValue())) {
				covered.add(held);
				freed += held.getValue().size();
			}
		}
		boolean fits = this.writes.size() - covered.size() < this.settings.maxEntries()
				&& this.bytes - freed + delete.size() <= this.settings.maxBytes();
		if (!fits && this.settings.overflow() == WriteBufferSettings.Overflow.REJECT_NEW) {
			this.listener.rejected(RejectReason.OVERFLOW);
			return WriteResult.rejected(RejectReason.OVERFLOW);
		}
		for (Map.Entry<Key, BufferedWrite> superseded : covered) {
			// One on the wire stays there; its result no longer removes anything.
			removeHeld(superseded.getKey(), superseded.getValue());
		}
		Key key = Key.of(delete);
		if (!fits) {
			makeRoom(key, delete.size());
		}
		put(key, delete);
		this.listener.buffered();
		return WriteResult.BUFFERED;
	}

	/**
	 * The prefix delete held for a key, if any. Called under the lock.
	 */
	private @Nullable BufferedWrite coveringPrefixDelete(byte[] key) {
		for (BufferedWrite delete : this.prefixDeletes) {
			if (delete.coversKey(key)) {
				return delete;
			}
		}
		return null;
	}

	private void makeRoom(Key incoming, long size) {
		Iterator<Map.Entry<Key, BufferedWrite>> oldest = this.writes.entrySet().iterator();
		int dropped = 0;
		while (oldest.hasNext()
				&& (this.writes.size() >= this.settings.maxEntries() || this.bytes + size > this.settings.maxBytes())) {
			Map.Entry<Key, BufferedWrite> victim = oldest.next();
			if (victim.getKey().equals(incoming)) {
				continue;
			}
			oldest.remove();
			this.bytes -= victim.getValue().size();
			this.size = this.writes.size();
			forget(victim.getValue());
			this.listener.done(victim.getValue(), empty());
			dropped++;
		}
		if (dropped > 0) {
			this.listener.dropped(RejectReason.OVERFLOW, dropped);
		}
	}

	/**
	 * Put back a write {@link #admit admission} took out, after the write that took it
	 * failed; a write held for its key since wins, and so does a prefix delete held since
	 * that covers it.
	 * @param claimed the write taken out
	 */
	void restore(BufferedWrite claimed) {
		this.lock.lock();
		try {
			this.claimed--;
			Key key = Key.of(claimed);
			if (!this.writes.containsKey(key) && !coveredByHeldPrefixDelete(claimed)) {
				put(key, claimed);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean coveredByHeldPrefixDelete(BufferedWrite write) {
		for (BufferedWrite delete : this.prefixDeletes) {
			if (delete.covers(write)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Settle a write {@link #admit admission} took out, after the write that took it is
	 * in Redis: the listener is told it is done, unless a write was held for its key
	 * since (that write's record comes later and wins).
	 * @param claimed the write taken out
	 */
	void settle(BufferedWrite claimed) {
		this.lock.lock();
		try {
			this.claimed--;
			if (!this.writes.containsKey(Key.of(claimed))) {
				this.listener.done(claimed, empty());
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Take the next writes to replay, oldest first: writes of slots the filter lets
	 * through, at most the batch size, each marked in flight until {@link #remove
	 * removed} or {@link #release released}. Puts whose time to live ran out are dropped
	 * on the way (a delete held before one is kept). A write that overlaps a prefix
	 * delete held before it, or one on the wire, waits: a prefix delete and the writes it
	 * covers are never in one batch, where a reload of the script after {@code NOSCRIPT}
	 * could reorder them.
	 * @param mayReplay whether a slot may be replayed now (not backing off, not failing
	 * fast); asked in order, at most once per write
	 * @return the writes, grouped by slot in the order each slot first appears
	 */
	List<BufferedWrite> nextBatch(IntPredicate mayReplay) {
		if (this.size == 0) {
			return List.of();
		}
		long now = this.clock.millis();
		Map<Integer, List<BufferedWrite>> bySlot = new LinkedHashMap<>();
		int expired = 0;
		this.lock.lock();
		try {
			// Only prefix deletes order writes of different keys: without one, none
			// waits.
			List<BufferedWrite> before = orderedByPrefixDeletes() ? new ArrayList<>(this.inFlight) : null;
			Iterator<Map.Entry<Key, BufferedWrite>> all = this.writes.entrySet().iterator();
			int taken = 0;
			while (all.hasNext() && taken < this.settings.replayBatchSize()) {
				Map.Entry<Key, BufferedWrite> held = all.next();
				BufferedWrite write = held.getValue();
				if (this.inFlight.contains(write)) {
					continue;
				}
				if (before != null && overlapsAny(write, before)) {
					before.add(write);
					continue;
				}
				if (write.expiredAt(now)) {
					// The put expired: drop it, but never the delete held before it.
					expired++;
					this.bytes -= write.size();
					if (!write.deleteFirst()) {
						all.remove();
						this.size = this.writes.size();
						this.listener.done(write, empty());
						continue;
					}
					write = write.withoutPut();
					held.setValue(write);
					this.bytes += write.size();
					this.listener.held(write);
				}
				int slot = this.slots.applyAsInt(write.key());
				if (!mayReplay.test(slot)) {
					if (before != null && write.isPrefixDelete()) {
						before.add(write);
					}
					continue;
				}
				this.inFlight.add(write);
				bySlot.computeIfAbsent(slot, (s) -> new ArrayList<>()).add(write);
				taken++;
				if (before != null && write.isPrefixDelete()) {
					// What it covers waits for its result, not only for its turn.
					before.add(write);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		if (expired > 0) {
			this.listener.dropped(RejectReason.EXPIRED, expired);
		}
		List<BufferedWrite> batch = new ArrayList<>();
		bySlot.values().forEach(batch::addAll);
		return batch;
	}

	private boolean orderedByPrefixDeletes() {
		if (!this.prefixDeletes.isEmpty()) {
			return true;
		}
		for (BufferedWrite onTheWire : this.inFlight) {
			if (onTheWire.isPrefixDelete()) {
				return true;
			}
		}
		return false;
	}

	private static boolean overlapsAny(BufferedWrite write, List<BufferedWrite> others) {
		for (BufferedWrite other : others) {
			if (other.overlaps(write)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Remove a write whose replay ended (delivered, superseded, refused), unless a newer
	 * write to its key replaced it meanwhile (or a prefix delete that covers it).
	 * @param write the write
	 * @return whether it was removed (it was still the key's write)
	 */
	boolean remove(BufferedWrite write) {
		this.lock.lock();
		try {
			this.inFlight.remove(write);
			Key key = Key.of(write);
			if (this.writes.get(key) == write) {
				removeHeld(key, write);
				return true;
			}
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Keep a write whose replay failed, for a later try.
	 * @param write the write
	 */
	void release(BufferedWrite write) {
		this.lock.lock();
		try {
			this.inFlight.remove(write);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The write held for a key, for a reader that must see its own writes: the write to
	 * the key, or else a prefix delete that covers it (a delete to the reader).
	 * @param key the key
	 * @return the write, or {@code null} if none is held
	 */
	@Nullable BufferedWrite get(byte[] key) {
		if (this.size == 0) {
			return null;
		}
		this.lock.lock();
		try {
			BufferedWrite held = this.writes.get(Key.plain(key));
			return (held != null) ? held : coveringPrefixDelete(key);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Hold writes read back from a journal, where no write is held for their key yet.
	 * @param recovered the writes, oldest first
	 */
	void recover(List<BufferedWrite> recovered) {
		this.lock.lock();
		try {
			for (BufferedWrite write : recovered) {
				Key key = Key.of(write);
				if (!this.writes.containsKey(key)) {
					this.writes.put(key, write);
					this.bytes += write.size();
					if (write.isPrefixDelete()) {
						this.prefixDeletes.add(write);
					}
				}
			}
			this.size = this.writes.size();
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wait until the store changes or a time passes.
	 * @param nanos the longest wait
	 * @throws InterruptedException if interrupted
	 */
	void awaitChange(long nanos) throws InterruptedException {
		if (nanos <= 0) {
			return;
		}
		this.lock.lock();
		try {
			this.changed.await(nanos, TimeUnit.NANOSECONDS);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * How many writes are held.
	 * @return the count
	 */
	int size() {
		return this.size;
	}

	/**
	 * How many key and value bytes are held.
	 * @return the bytes
	 */
	long bytes() {
		this.lock.lock();
		try {
			return this.bytes;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The writes held, oldest first.
	 * @return a copy
	 */
	List<BufferedWrite> writes() {
		this.lock.lock();
		try {
			return List.copyOf(this.writes.values());
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Run an action under the store's lock, so that no change interleaves with it (the
	 * journal's compaction).
	 * @param action the action
	 */
	void locked(Runnable action) {
		this.lock.lock();
		try {
			action.run();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void put(Key key, BufferedWrite write) {
		this.writes.put(key, write);
		if (write.isPrefixDelete()) {
			this.prefixDeletes.add(write);
		}
		this.bytes += write.size();
		this.size = this.writes.size();
		this.listener.held(write);
		this.changed.signalAll();
	}

	private void removeHeld(Key key, BufferedWrite write) {
		detach(key, write);
		this.listener.done(write, empty());
		this.changed.signalAll();
	}

	/**
	 * Take a held write out for a direct write that supersedes it: it stays unsettled (in
	 * the journal) until that write is in Redis.
	 */
	private void takeOut(Key key, BufferedWrite write) {
		detach(key, write);
		this.claimed++;
		this.changed.signalAll();
	}

	private void detach(Key key, BufferedWrite write) {
		this.writes.remove(key);
		forget(write);
		this.bytes -= write.size();
		this.size = this.writes.size();
	}

	/** Whether nothing is held and no write taken out by admission is unsettled. */
	private boolean empty() {
		return this.writes.isEmpty() && this.claimed == 0;
	}

	private void forget(BufferedWrite write) {
		if (write.isPrefixDelete()) {
			this.prefixDeletes.removeIf((held) -> held == write);
		}
	}

	/**
	 * What {@link #admit} decided.
	 *
	 * @param held the result of holding the write, or {@code null} if it may go to Redis
	 * @param claimed the writes taken out of the store, if it may go to Redis: the one
	 * held for its key, or those a prefix delete covers
	 */
	record Admission(@Nullable WriteResult held, List<BufferedWrite> claimed) {

		static final Admission PROCEED = new Admission(null, List.of());

	}

	/**
	 * Told of every change, under the store's lock.
	 */
	interface Listener {

		/**
		 * A write is held now (new, merged, restored or reduced to its delete).
		 * @param write the write
		 */
		void held(BufferedWrite write);

		/**
		 * A write left the store (delivered, superseded, dropped).
		 * @param write the write
		 * @param empty whether the store is empty now and no write taken out for a direct
		 * write is unsettled
		 */
		void done(BufferedWrite write, boolean empty);

		/**
		 * A write was accepted into the store.
		 */
		default void buffered() {
		}

		/**
		 * A write was not accepted.
		 * @param reason why
		 */
		default void rejected(RejectReason reason) {
		}

		/**
		 * Held writes were dropped without being delivered.
		 * @param reason why
		 * @param count how many
		 */
		default void dropped(RejectReason reason, int count) {
		}

	}

	/**
	 * A key, or the prefix of a prefix delete: a key and a prefix of the same bytes
	 * differ.
	 */
	private record Key(byte[] bytes, boolean prefix) {

		static Key of(BufferedWrite write) {
			return new Key(write.key(), write.isPrefixDelete());
		}

		static Key plain(byte[] key) {
			return new Key(key, false);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Key key && Arrays.equals(this.bytes, key.bytes) && this.prefix == key.prefix;
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes) * 31 + Boolean.hashCode(this.prefix);
		}

	}

}
