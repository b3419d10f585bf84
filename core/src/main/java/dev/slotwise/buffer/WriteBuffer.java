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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.slotwise.buffer.WriteResult.RejectReason;
import dev.slotwise.cluster.RedisOutage;
import dev.slotwise.cluster.OutageReason;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.support.LettuceCommands;
import dev.slotwise.support.ScriptRunner;
import io.github.resilience4j.core.IntervalFunction;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.core.types.Expiration;

/**
 * Writes that survive an outage. A write goes to Redis at once when its slot is healthy
 * ({@link WriteResult#WRITTEN}); when the slot is failing, or the write fails with an
 * outage (CLUSTERDOWN, TRYAGAIN, a timeout, a lost connection), it is held
 * ({@link WriteResult#BUFFERED}) and replayed once the slot is back.
 *
 * <p>
 * Replay never makes data wrong:
 * <ul>
 * <li>per key, the last write wins and order is kept; a delete buffered for a key is
 * applied before that key's later put;</li>
 * <li>a put is replayed with {@code SET key value NX PX remaining}: it never overwrites a
 * value written meanwhile, and it keeps its original deadline; a put whose deadline
 * passed is dropped and counted, not replayed. A plain put that finds its key holding a
 * value cannot tell whether that value is older, so it keeps it and reports the put as
 * dropped ({@link RejectReason#KEY_EXISTS}); a {@link #setVersioned versioned} put
 * replaces an older version and keeps a newer one ({@link #superseded()}); a
 * {@link #fillVersioned fill} (what a cache stores after its loader ran) is set only
 * where the key holds nothing, so a value loaded while Redis could not be read never
 * replaces one Redis held all along;</li>
 * <li>a delete is replayed with {@code DEL};</li>
 * <li>a direct write that succeeds supersedes an older buffered write to the same
 * key.</li>
 * </ul>
 * The buffer is bounded by entries and bytes; a write that does not fit is rejected or
 * pushes out the oldest, by policy, and every write not delivered is counted by reason
 * ({@link #dropped()}, {@link #rejected()}) and logged. Replays are grouped by slot and
 * sent as pipelined batches; a slot whose replay fails backs off exponentially with
 * jitter (resilience4j's {@link IntervalFunction}) while other slots carry on.
 *
 * <p>
 * Thread-safe. The healthy path costs one volatile read beyond the write itself.
 */
public class WriteBuffer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WriteBuffer.class);

	/** A versioned put: set unless the key holds a value at least as new. */
	private static final RedisScript<Long> SET_IF_NEWER = RedisScript
		.of(new ClassPathResource("META-INF/slotwise/scripts/set_if_newer.lua"), Long.class);

	/**
	 * A plain put or a fill: set if absent, and say whether a present value is the same.
	 */
	private static final RedisScript<Long> SET_IF_ABSENT = RedisScript
		.of(new ClassPathResource("META-INF/slotwise/scripts/set_if_absent.lua"), Long.class);

	private final RedisConnectionFactory connectionFactory;

	private final ClusterKeys keys;

	private final SlotGuard guard;

	private final ScriptRunner scripts;

	private final WriteBufferSettings settings;

	private final Clock clock;

	private final IntervalFunction backoff;

	private final ReentrantLock lock = new ReentrantLock();

	private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

	private volatile int pending;

	private long bytes;

	private final Map<Integer, SlotBackoff> backoffs = new ConcurrentHashMap<>();

	private final Map<RejectReason, AtomicLong> dropped = counters();

	private final Map<RejectReason, AtomicLong> rejected = counters();

	private final AtomicLong replayed = new AtomicLong();

	private final AtomicLong superseded = new AtomicLong();

	private final AtomicLong buffered = new AtomicLong();

	private volatile @Nullable ScheduledExecutorService scheduler;

	private volatile boolean closed;

	private final @Nullable WriteBufferJournal journal;

	private boolean journalRecovered;

	/**
	 * Create a write buffer.
	 * @param connectionFactory the Redis connection factory
	 * @param keys slot computation
	 * @param guard the failure protocol; shared with the cache
	 * @param settings bounds and timings
	 * @param clock the clock for deadlines
	 */
	public WriteBuffer(RedisConnectionFactory connectionFactory, ClusterKeys keys, SlotGuard guard,
			WriteBufferSettings settings, Clock clock) {
		this(connectionFactory, keys, guard, settings, clock, null);
	}

	/**
	 * Create a write buffer that keeps its writes in a journal across restarts. The
	 * writes the journal held when it was opened are buffered again when the buffer
	 * {@link #start() starts}. The caller closes the journal after stopping the buffer.
	 * @param connectionFactory the Redis connection factory
	 * @param keys slot computation
	 * @param guard the failure protocol; shared with the cache
	 * @param settings bounds and timings
	 * @param clock the clock for deadlines (wall-clock time, since deadlines outlive the
	 * process)
	 * @param journal the journal, or {@code null} for none
	 */
	public WriteBuffer(RedisConnectionFactory connectionFactory, ClusterKeys keys, SlotGuard guard,
			WriteBufferSettings settings, Clock clock, @Nullable WriteBufferJournal journal) {
		this.journal = journal;
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.guard = guard;
		this.scripts = new ScriptRunner(keys);
		this.settings = settings;
		this.clock = clock;
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0, 0.5,
				settings.maxBackoff());
	}

	private static Map<RejectReason, AtomicLong> counters() {
		Map<RejectReason, AtomicLong> counters = new EnumMap<>(RejectReason.class);
		for (RejectReason reason : RejectReason.values()) {
			counters.put(reason, new AtomicLong());
		}
		return counters;
	}

	/**
	 * Set a key to a value with a time to live.
	 * @param key the key
	 * @param value the value
	 * @param ttl the time to live; {@link Duration#ZERO} for none
	 * @return what became of the write
	 */
	public WriteResult set(String key, String value, Duration ttl) {
		return set(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), ttl);
	}

	/**
	 * Set a binary key to a binary value with a time to live.
	 * @param key the key
	 * @param value the value
	 * @param ttl the time to live; {@link Duration#ZERO} for none
	 * @return what became of the write
	 */
	public WriteResult set(byte[] key, byte[] value, Duration ttl) {
		Objects.requireNonNull(value, "value must not be null");
		if (ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
		}
		long deadline = ttl.isZero() ? 0 : this.clock.millis() + ttl.toMillis();
		return write(new Entry(key.clone(), value.clone(), false, deadline));
	}

	/**
	 * Set a key to a versioned value ({@link VersionedValue}, versioned now): written at
	 * once when the slot is healthy; if buffered, replayed only over an absent key or an
	 * older version, so that it replaces a value kept from before the outage but never
	 * one written since. This is what the cache uses for its puts.
	 * @param key the key
	 * @param payload the serialized value (without header)
	 * @param ttl the time to live; {@link Duration#ZERO} for none
	 * @return what became of the write
	 */
	public WriteResult setVersioned(byte[] key, byte[] payload, Duration ttl) {
		if (ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
		}
		long now = this.clock.millis();
		byte[] encoded = new VersionedValue(now, payload).encode();
		return write(new Entry(key.clone(), encoded, false, ttl.isZero() ? 0 : now + ttl.toMillis(), true));
	}

	/**
	 * Fill a key with a versioned value only if it holds none: what a cache stores after
	 * its loader ran ({@code get(key, loader)}). Written at once with {@code SET NX} when
	 * the slot is healthy; if buffered, replayed with the same condition, so that a value
	 * loaded while the key's slot could not be read never replaces the value Redis held
	 * all along, nor one written since. A fill never displaces a write already buffered
	 * for its key, and never takes room from one: when the buffer is full the fill is
	 * declined (not counted as dropped). A delete buffered before it is applied first. A
	 * fill that finds the key holding a value has done its job and is not counted.
	 * @param key the key
	 * @param payload the serialized value (without header)
	 * @param ttl the time to live; {@link Duration#ZERO} for none
	 * @param version the value's version, in epoch milliseconds: the time of the miss
	 * that made the caller load it, so that a put made after the miss outranks it
	 * @return what became of the write
	 */
	public WriteResult fillVersioned(byte[] key, byte[] payload, Duration ttl, long version) {
		if (ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
		}
		long now = this.clock.millis();
		byte[] encoded = new VersionedValue(Math.min(version, now), payload).encode();
		return write(new Entry(key.clone(), encoded, false, ttl.isZero() ? 0 : now + ttl.toMillis(), true, true));
	}

	/**
	 * The write buffered for a key, if any, so that a reader on this instance sees its
	 * own writes during an outage.
	 * @param key the key
	 * @return the buffered write, or {@code null} if none is buffered
	 */
	public @Nullable PendingWrite pendingWrite(byte[] key) {
		if (this.pending == 0) {
			return null;
		}
		this.lock.lock();
		try {
			Entry entry = this.entries.get(new Key(key));
			if (entry == null) {
				return null;
			}
			boolean expired = entry.value != null && entry.deadline != 0 && entry.deadline <= this.clock.millis();
			return new PendingWrite((entry.value != null && !expired) ? entry.value.clone() : null);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A write waiting in the buffer.
	 *
	 * @param value the stored bytes it will write, or {@code null} if it deletes the key
	 * (or its value expired)
	 */
	public record PendingWrite(byte @Nullable [] value) {
	}

	/**
	 * Delete a key.
	 * @param key the key
	 * @return what became of the delete
	 */
	public WriteResult delete(String key) {
		return delete(key.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Delete a binary key.
	 * @param key the key
	 * @return what became of the delete
	 */
	public WriteResult delete(byte[] key) {
		return write(new Entry(key.clone(), null, true, 0));
	}

	/**
	 * Buffer a write without trying Redis first, for callers that already know its slot
	 * is failing (the cache, after a failed command).
	 * @param key the key
	 * @param value the value, or {@code null} for a delete
	 * @param ttl the time to live of a value; {@link Duration#ZERO} for none
	 * @return {@link WriteResult#BUFFERED} or a rejection
	 */
	public WriteResult buffer(byte[] key, byte @Nullable [] value, Duration ttl) {
		long deadline = (value == null || ttl.isZero()) ? 0 : this.clock.millis() + ttl.toMillis();
		return hold(new Entry(key.clone(), (value != null) ? value.clone() : null, value == null, deadline));
	}

	private WriteResult write(Entry entry) {
		if (this.closed) {
			return reject(RejectReason.CLOSED);
		}
		int slot = this.keys.slot(entry.key);
		Entry claimed = null;
		if (this.pending > 0) {
			this.lock.lock();
			try {
				Key key = new Key(entry.key);
				Entry held = this.entries.get(key);
				// Decided before failsFast, which may hand this caller the slot's one
				// probe.
				if (held != null && (held.inFlight || entry.ifAbsent)) {
					// Its replay is on the wire: queue behind it to keep the order. A
					// fill never displaces a buffered write: hold merges them.
					return hold(entry);
				}
				if (this.guard.failsFast(slot)) {
					return hold(entry);
				}
				if (held != null) {
					// The slot is healthy: this newer write supersedes the buffered one.
					claimed = held;
					this.entries.remove(key);
					this.bytes -= held.size();
					this.pending = this.entries.size();
					journalDone(held);
				}
			}
			finally {
				this.lock.unlock();
			}
		}
		else if (this.guard.failsFast(slot)) {
			return hold(entry);
		}
		try {
			applyDirectly(entry);
		}
		catch (RuntimeException ex) {
			if (claimed != null) {
				restore(claimed);
			}
			if (this.guard.failed(slot, ex).unavailable()) {
				return hold(entry);
			}
			logger.warn("Redis refused a write to a key in slot " + slot + ": " + ex.getMessage());
			return reject(RejectReason.REFUSED);
		}
		// This write may have been the probe: the slot answers again.
		this.guard.answered(slot);
		return WriteResult.WRITTEN;
	}

	private void restore(Entry claimed) {
		this.lock.lock();
		try {
			Key key = new Key(claimed.key);
			if (!this.entries.containsKey(key)) {
				this.entries.put(key, claimed);
				this.bytes += claimed.size();
				this.pending = this.entries.size();
				journalHeld(claimed);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void applyDirectly(Entry entry) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			if (entry.value == null) {
				connection.keyCommands().del(entry.key);
			}
			else {
				long ttl = (entry.deadline == 0) ? 0 : entry.deadline - this.clock.millis();
				connection.stringCommands()
					.set(entry.key, entry.value, (ttl > 0) ? Expiration.milliseconds(ttl) : Expiration.persistent(),
							entry.ifAbsent ? SetOption.ifAbsent() : SetOption.upsert());
			}
		}
	}

	private WriteResult hold(Entry entry) {
		if (this.closed) {
			return reject(RejectReason.CLOSED);
		}
		if (entry.deadline != 0 && entry.deadline <= this.clock.millis()) {
			return reject(RejectReason.EXPIRED);
		}
		this.lock.lock();
		try {
			Key key = new Key(entry.key);
			Entry previous = this.entries.get(key);
			if (entry.ifAbsent && previous != null && previous.value != null) {
				// A buffered put (or fill) decides what the key holds: the fill adds
				// nothing.
				return WriteResult.BUFFERED;
			}
			long growth = entry.size() - ((previous != null) ? previous.size() : 0);
			boolean fits = (previous != null || this.entries.size() < this.settings.maxEntries())
					&& this.bytes + growth <= this.settings.maxBytes();
			if (!fits && entry.ifAbsent) {
				// A fill is optional: it never takes room from a write.
				return WriteResult.rejected(RejectReason.OVERFLOW);
			}
			if (!fits) {
				if (this.settings.overflow() == WriteBufferSettings.Overflow.REJECT_NEW) {
					return reject(RejectReason.OVERFLOW);
				}
				makeRoom(key, entry.size());
			}
			// Last write wins; a delete buffered earlier for the key is applied first.
			Entry merged = (previous != null && !entry.delete && previous.deletes())
					? new Entry(entry.key, entry.value, true, entry.deadline, entry.versioned, entry.ifAbsent) : entry;
			if (previous != null) {
				this.entries.remove(key);
				this.bytes -= previous.size();
			}
			this.entries.put(key, merged);
			this.bytes += merged.size();
			this.pending = this.entries.size();
			journalHeld(merged);
			this.buffered.incrementAndGet();
			return WriteResult.BUFFERED;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void makeRoom(Key incoming, long size) {
		Iterator<Map.Entry<Key, Entry>> oldest = this.entries.entrySet().iterator();
		while (oldest.hasNext() && (this.entries.size() >= this.settings.maxEntries()
				|| this.bytes + size > this.settings.maxBytes())) {
			Map.Entry<Key, Entry> victim = oldest.next();
			if (victim.getKey().equals(incoming)) {
				continue;
			}
			oldest.remove();
			this.bytes -= victim.getValue().size();
			journalDone(victim.getValue());
			drop(RejectReason.OVERFLOW, 1);
		}
	}

	private WriteResult reject(RejectReason reason) {
		this.rejected.get(reason).incrementAndGet();
		return WriteResult.rejected(reason);
	}

	private void drop(RejectReason reason, long count) {
		this.dropped.get(reason).addAndGet(count);
		logger.warn("Dropped " + count + " buffered write(s): " + reason.name().toLowerCase(java.util.Locale.ROOT)
				+ " (dropped so far: " + dropped() + ")");
	}

	/** Call with the lock held, after the entry was put in the map. */
	private void journalHeld(Entry entry) {
		if (this.journal != null) {
			this.journal.held(entry.record());
		}
	}

	/** Call with the lock held, after the entry was removed from the map. */
	private void journalDone(Entry entry) {
		if (this.journal != null) {
			if (this.entries.isEmpty()) {
				this.journal.truncate();
			}
			else {
				this.journal.done(entry.key);
			}
		}
	}

	private void compactJournal() {
		WriteBufferJournal journal = this.journal;
		if (journal == null) {
			return;
		}
		this.lock.lock();
		try {
			// Overwrites during a long outage leave records behind: rewrite once they
			// outweigh what is pending.
			if (journal.size() > Math.max(4 * (this.bytes + 64L * this.entries.size()), 1024 * 1024)) {
				journal.compact(this.entries.values().stream().map(Entry::record).toList());
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void recoverJournal() {
		WriteBufferJournal journal = this.journal;
		if (journal == null || this.journalRecovered) {
			return;
		}
		this.journalRecovered = true;
		this.lock.lock();
		try {
			for (WriteBufferJournal.JournalRecord record : journal.recovered().records()) {
				Key key = new Key(record.key());
				if (this.entries.containsKey(key)) {
					continue;
				}
				Entry entry = new Entry(record.key(), record.value(), record.delete(), record.deadline(),
						record.versioned(), record.ifAbsent());
				this.entries.put(key, entry);
				this.bytes += entry.size();
			}
			this.pending = this.entries.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * How many writes are buffered now.
	 * @return the number of buffered writes
	 */
	public int pending() {
		return this.pending;
	}

	/**
	 * How many key and value bytes are buffered now.
	 * @return the bytes
	 */
	public long pendingBytes() {
		this.lock.lock();
		try {
			return this.bytes;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Buffered writes dropped without being delivered, by reason.
	 * @return counts by reason (never negative)
	 */
	public Map<RejectReason, Long> dropped() {
		return snapshot(this.dropped);
	}

	/**
	 * Writes not accepted, by reason.
	 * @return counts by reason
	 */
	public Map<RejectReason, Long> rejected() {
		return snapshot(this.rejected);
	}

	/**
	 * Buffered writes delivered by replay.
	 * @return the count
	 */
	public long replayed() {
		return this.replayed.get();
	}

	/**
	 * Buffered versioned puts not applied because a newer value was written meanwhile
	 * (the intended outcome: the last writer wins).
	 * @return the count
	 */
	public long superseded() {
		return this.superseded.get();
	}

	/**
	 * Writes accepted into the buffer.
	 * @return the count
	 */
	public long bufferedTotal() {
		return this.buffered.get();
	}

	private static Map<RejectReason, Long> snapshot(Map<RejectReason, AtomicLong> counters) {
		Map<RejectReason, Long> copy = new EnumMap<>(RejectReason.class);
		counters.forEach((reason, count) -> copy.put(reason, count.get()));
		return copy;
	}

	/**
	 * Replay what can be replayed now: buffered writes of slots that are not marked
	 * failing and not backing off, grouped by slot, in pipelined batches. Expired puts
	 * are dropped and counted. Called by the buffer's own scheduler; public for tests and
	 * for callers that know the cluster just recovered.
	 * @return how many writes were delivered
	 */
	public int replay() {
		if (this.pending == 0) {
			return 0;
		}
		List<Entry> batch = nextBatch();
		if (batch.isEmpty()) {
			return 0;
		}
		return send(batch);
	}

	private List<Entry> nextBatch() {
		long now = this.clock.millis();
		Map<Integer, List<Entry>> bySlot = new LinkedHashMap<>();
		int expired = 0;
		this.lock.lock();
		try {
			Iterator<Map.Entry<Key, Entry>> all = this.entries.entrySet().iterator();
			int taken = 0;
			while (all.hasNext() && taken < this.settings.replayBatchSize()) {
				Map.Entry<Key, Entry> held = all.next();
				Entry entry = held.getValue();
				if (entry.value != null && entry.deadline != 0 && entry.deadline <= now) {
					// The put expired: drop it, but never the delete buffered before it.
					expired++;
					this.bytes -= entry.value.length;
					if (!entry.deletes()) {
						all.remove();
						this.bytes -= entry.key.length;
						journalDone(entry);
						continue;
					}
					entry = new Entry(entry.key, null, true, 0);
					held.setValue(entry);
					journalHeld(entry);
				}
				int slot = this.keys.slot(entry.key);
				SlotBackoff slotBackoff = this.backoffs.get(slot);
				// Back-off first: failsFast may hand this replay the slot's one probe.
				if ((slotBackoff != null && slotBackoff.notBefore > now) || this.guard.failsFast(slot)) {
					continue;
				}
				entry.inFlight = true;
				bySlot.computeIfAbsent(slot, (s) -> new ArrayList<>()).add(entry);
				taken++;
			}
			this.pending = this.entries.size();
		}
		finally {
			this.lock.unlock();
		}
		if (expired > 0) {
			drop(RejectReason.EXPIRED, expired);
		}
		List<Entry> batch = new ArrayList<>();
		bySlot.values().forEach(batch::addAll);
		return batch;
	}

	private int send(List<Entry> batch) {
		long now = this.clock.millis();
		List<CompletableFuture<Outcome>> results = new ArrayList<>(batch.size());
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = LettuceCommands.async(connection);
			for (Entry entry : batch) {
				CompletableFuture<?> deleted = entry.deletes() ? commands.del(entry.key).toCompletableFuture()
						: CompletableFuture.completedFuture(null);
				if (entry.value == null) {
					results.add(deleted.thenApply((ignored) -> Outcome.APPLIED));
				}
				else {
					long ttl = (entry.deadline != 0) ? Math.max(1, entry.deadline - now) : 0;
					CompletableFuture<Outcome> set = (entry.versioned && !entry.ifAbsent)
							? setIfNewer(commands, entry.key, entry.value, ttl)
							: setIfAbsent(commands, entry.key, entry.value, ttl, entry.ifAbsent);
					results.add(deleted.thenCombine(set, (ignored, outcome) -> outcome));
				}
			}
		}
		catch (RuntimeException ex) {
			// No connection at all: treat every slot of the batch as failing.
			batch.forEach((entry) -> {
				entry.inFlight = false;
				failed(entry, ex);
			});
			return 0;
		}
		int delivered = 0;
		for (int i = 0; i < batch.size(); i++) {
			Entry entry = batch.get(i);
			try {
				Outcome outcome = results.get(i).join();
				entry.inFlight = false;
				boolean removed = delivered(entry);
				if (!removed) {
					// A newer write to the key replaced this one meanwhile; it will be
					// replayed in its turn.
					continue;
				}
				if (outcome == Outcome.APPLIED) {
					delivered++;
				}
				else if (outcome == Outcome.SUPERSEDED) {
					this.superseded.incrementAndGet();
				}
				else if (outcome == Outcome.KEY_EXISTS) {
					logger.warn("A replayed put to a key in slot " + this.keys.slot(entry.key)
							+ " found the key holding a value it cannot tell is older, and kept it; use "
							+ "setVersioned for values only Slotwise writes, or delete the key first");
					drop(RejectReason.KEY_EXISTS, 1);
				}
				// FILLED_ALREADY: the fill only had to fill a gap, and there was none.
			}
			catch (RuntimeException ex) {
				entry.inFlight = false;
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				if (RedisOutage.isOutage(cause)) {
					failed(entry, cause);
				}
				else {
					logger.warn("Redis refused a replayed write to a key in slot " + this.keys.slot(entry.key) + ": "
							+ cause.getMessage());
					remove(entry);
					drop(RejectReason.REFUSED, 1);
				}
			}
		}
		this.replayed.addAndGet(delivered);
		return delivered;
	}

	private CompletableFuture<Outcome> setIfAbsent(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key,
			byte[] value, long ttl, boolean fill) {
		return replay(commands, SET_IF_ABSENT, key, value, ttl).thenApply((reply) -> switch (reply.intValue()) {
			// 2: the original write reached Redis although the client saw it fail.
			case 1, 2 -> Outcome.APPLIED;
			// A fill asks for nothing more than this.
			default -> fill ? Outcome.FILLED_ALREADY : Outcome.KEY_EXISTS;
		});
	}

	private CompletableFuture<Outcome> setIfNewer(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key,
			byte[] value, long ttl) {
		return replay(commands, SET_IF_NEWER, key, value, ttl).thenApply((reply) -> switch (reply.intValue()) {
			case 1 -> Outcome.APPLIED;
			case 0 -> Outcome.SUPERSEDED;
			default -> Outcome.KEY_EXISTS;
		});
	}

	private CompletableFuture<Long> replay(RedisClusterAsyncCommands<byte[], byte[]> commands, RedisScript<Long> script,
			byte[] key, byte[] value, long ttl) {
		return this.scripts.run(commands, script, List.of(key), value,
				Long.toString(ttl).getBytes(StandardCharsets.US_ASCII));
	}

	/** What a replayed write did. */
	private enum Outcome {

		/** Written to Redis. */
		APPLIED,

		/** A newer versioned value was there and was kept: last writer wins. */
		SUPERSEDED,

		/** A value that cannot be ordered against the write was there and was kept. */
		KEY_EXISTS,

		/** A fill found the key holding a value: nothing to do. */
		FILLED_ALREADY

	}

	private boolean delivered(Entry entry) {
		int slot = this.keys.slot(entry.key);
		this.backoffs.remove(slot);
		this.guard.answered(slot);
		return remove(entry);
	}

	private boolean remove(Entry entry) {
		this.lock.lock();
		try {
			Key key = new Key(entry.key);
			// A newer write to the key may have replaced this entry meanwhile: keep that
			// one.
			if (this.entries.get(key) == entry) {
				this.entries.remove(key);
				this.bytes -= entry.size();
				this.pending = this.entries.size();
				journalDone(entry);
				return true;
			}
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void failed(Entry entry, Throwable cause) {
		int slot = this.keys.slot(entry.key);
		this.guard.failed(slot, cause);
		SlotBackoff previous = this.backoffs.get(slot);
		int attempts = (previous != null) ? previous.attempts + 1 : 1;
		long wait = this.backoff.apply(attempts);
		this.backoffs.put(slot, new SlotBackoff(attempts, this.clock.millis() + wait));
		if (attempts == 1) {
			logger.info("Replay to slot " + slot + " failed ("
					+ RedisOutage.reason(cause).map(OutageReason::tag).orElse("error") + "); retrying with back-off");
		}
	}

	@Override
	public void start() {
		if (this.scheduler != null) {
			return;
		}
		this.closed = false;
		recoverJournal();
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "slotwise-write-buffer");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.settings.replayInterval().toMillis();
		executor.scheduleWithFixedDelay(this::replaySafely, interval, interval, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	private void replaySafely() {
		try {
			while (replay() > 0 && this.pending > 0) {
				// Keep going while batches deliver; a slot that fails backs off.
			}
			compactJournal();
		}
		catch (RuntimeException ex) {
			logger.warn("Write buffer replay failed", ex);
		}
	}

	/**
	 * Stop replaying: a last drain for up to the drain timeout, then a report of what
	 * could not be delivered. New writes are rejected from now on.
	 */
	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdown();
			try {
				executor.awaitTermination(this.settings.drainTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.closed = true;
		long deadline = System.nanoTime() + this.settings.drainTimeout().toNanos();
		while (this.pending > 0 && System.nanoTime() < deadline) {
			this.backoffs.clear();
			if (replay() == 0) {
				Thread.onSpinWait();
			}
		}
		if (this.pending > 0 && this.journal != null) {
			logger
				.warn("Stopping with " + this.pending + " buffered write(s) not yet delivered to Redis; they are kept "
						+ "in the journal " + this.journal.file() + " and replayed at the next start");
		}
		else if (this.pending > 0) {
			logger.error("Stopping with " + this.pending + " buffered write(s) not delivered to Redis (dropped so far: "
					+ dropped() + "); enable slotwise.write-buffer.journal to keep them across a restart");
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * Keys of the writes buffered now, oldest first (for diagnostics and tests).
	 * @return the keys
	 */
	public List<byte[]> pendingKeys() {
		this.lock.lock();
		try {
			return this.entries.keySet().stream().map((key) -> key.bytes.clone()).toList();
		}
		finally {
			this.lock.unlock();
		}
	}

	private record SlotBackoff(int attempts, long notBefore) {
	}

	private record Key(byte[] bytes) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Key key && Arrays.equals(this.bytes, key.bytes);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes);
		}

	}

	/**
	 * One buffered write: a put (value set), a delete (value null), or a put that must
	 * delete first because a delete was buffered before it.
	 */
	private static final class Entry {

		final byte[] key;

		final byte @Nullable [] value;

		final boolean delete;

		final long deadline;

		final boolean versioned;

		/** Set only where the key holds no value (a cache fill). */
		final boolean ifAbsent;

		/** Set while its replay is on the wire; guarded by the buffer's lock when set. */
		volatile boolean inFlight;

		Entry(byte[] key, byte @Nullable [] value, boolean delete, long deadline) {
			this(key, value, delete, deadline, false);
		}

		Entry(byte[] key, byte @Nullable [] value, boolean delete, long deadline, boolean versioned) {
			this(key, value, delete, deadline, versioned, false);
		}

		Entry(byte[] key, byte @Nullable [] value, boolean delete, long deadline, boolean versioned, boolean ifAbsent) {
			this.key = key;
			this.value = value;
			this.delete = delete;
			this.deadline = deadline;
			this.versioned = versioned;
			this.ifAbsent = ifAbsent;
		}

		boolean deletes() {
			return this.delete;
		}

		long size() {
			return this.key.length + ((this.value != null) ? this.value.length : 0);
		}

		WriteBufferJournal.JournalRecord record() {
			return new WriteBufferJournal.JournalRecord(this.key, this.value, this.delete, this.deadline,
					this.versioned, this.ifAbsent);
		}

	}

}
