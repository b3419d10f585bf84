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
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import dev.slotwise.buffer.WriteResult.RejectReason;
import dev.slotwise.cluster.SlotCall;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.support.LettuceCommands;
import dev.slotwise.support.SharedCommands;
import dev.slotwise.support.PeriodicTask;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
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
 * <li>a {@link #deleteByPrefix prefix delete} (every key of one hash tag) is replayed
 * before any later write to a key it covers, and no later write to such a key reaches
 * Redis before it, directly or by replay: it is replayed with one script on the master of
 * its slot;</li>
 * <li>a direct write that succeeds supersedes an older buffered write to the same
 * key.</li>
 * </ul>
 * The buffer is bounded by entries and bytes; a write that does not fit is rejected or
 * pushes out the oldest, by policy, and every write not delivered is counted by reason
 * ({@link #dropped()}, {@link #rejected()}) and logged. Replays are grouped by slot and
 * sent as pipelined batches; a slot whose replay fails backs off exponentially with
 * jitter (resilience4j's interval functions) while other slots carry on.
 *
 * <p>
 * Three parts do the work: a {@link WriteStore} holds the writes and keeps their rules
 * (pure, unit-tested without Redis), a {@link ReplaySender} sends them back pipelined
 * with per-slot back-off, and this class ties them to Redis, the failure protocol
 * ({@link SlotGuard}), the journal and the lifecycle.
 *
 * <p>
 * Thread-safe. The healthy path costs one volatile read beyond the write itself.
 */
public class WriteBuffer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WriteBuffer.class);

	private final RedisConnectionFactory connectionFactory;

	private final SharedCommands commands;

	private final ClusterKeys keys;

	private final SlotGuard guard;

	private final WriteBufferSettings settings;

	private final Clock clock;

	private final WriteStore store;

	private final ReplaySender sender;

	private final @Nullable WriteBufferJournal journal;

	private final Map<RejectReason, AtomicLong> dropped = counters();

	private final Map<RejectReason, AtomicLong> rejected = counters();

	private final AtomicLong replayed = new AtomicLong();

	private final AtomicLong superseded = new AtomicLong();

	private final AtomicLong buffered = new AtomicLong();

	private final PeriodicTask replayTask;

	private volatile boolean closed;

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
		this.connectionFactory = connectionFactory;
		this.commands = new SharedCommands(connectionFactory);
		this.keys = keys;
		this.guard = guard;
		this.settings = settings;
		this.clock = clock;
		this.journal = journal;
		this.store = new WriteStore(settings, clock, keys::slot, new StoreListener());
		this.sender = new ReplaySender(connectionFactory, keys, guard, settings, clock);
		this.replayTask = new PeriodicTask("slotwise-write-buffer", settings.replayInterval(), this::replayAll);
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
		return write(BufferedWrite.put(key.clone(), value.clone(), deadline(ttl, this.clock.millis())));
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
		long now = this.clock.millis();
		long deadline = deadline(ttl, now);
		return write(BufferedWrite.versionedPut(key.clone(), new VersionedValue(now, payload).encode(), deadline));
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
		long now = this.clock.millis();
		long deadline = deadline(ttl, now);
		byte[] encoded = new VersionedValue(Math.min(version, now), payload).encode();
		return write(BufferedWrite.fill(key.clone(), encoded, deadline));
	}

	private static long deadline(Duration ttl, long now) {
		if (ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
		}
		return ttl.isZero() ? 0 : now + ttl.toMillis();
	}

	/**
	 * The write buffered for a key, if any, so that a reader on this instance sees its
	 * own writes during an outage.
	 * @param key the key
	 * @return the buffered write, or {@code null} if none is buffered
	 */
	public @Nullable PendingWrite pendingWrite(byte[] key) {
		BufferedWrite held = this.store.get(key);
		if (held == null) {
			return null;
		}
		byte[] value = held.value();
		return new PendingWrite((value != null && !held.expiredAt(this.clock.millis())) ? value.clone() : null);
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
		return write(BufferedWrite.delete(key.clone()));
	}

	/**
	 * Delete every key that starts with a prefix holding a hash tag: all the entries of
	 * one tag, for example {@code orders::{42}} for every order cached for user 42. The
	 * keys share the tag's slot, so they are found and deleted on that slot's master
	 * alone, in one script, without a scan of the cluster.
	 *
	 * <p>
	 * When the slot is failing, or the delete meets an outage, it is held
	 * ({@link WriteResult#BUFFERED}) like any write: it supersedes the writes to its keys
	 * held before it, a later write to one of its keys is held behind it (and read back
	 * by this instance meanwhile), and replay applies the delete first. Until it is
	 * replayed, a read of one of its keys on this instance is a miss
	 * ({@link #pendingWrite}).
	 * @param prefix the prefix; it must hold a complete, non-empty hash tag
	 * ({@code ...{tag}...})
	 * @return what became of the delete
	 * @throws IllegalArgumentException if the prefix holds no hash tag
	 */
	public WriteResult deleteByPrefix(String prefix) {
		return deleteByPrefix(prefix.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Delete every key that starts with a binary prefix holding a hash tag; see
	 * {@link #deleteByPrefix(String)}.
	 * @param prefix the prefix; it must hold a complete, non-empty hash tag
	 * @return what became of the delete
	 * @throws IllegalArgumentException if the prefix holds no hash tag
	 */
	public WriteResult deleteByPrefix(byte[] prefix) {
		requireHashTag(prefix);
		return write(BufferedWrite.deletePrefix(prefix.clone()));
	}

	/**
	 * Keys that start with the prefix share one slot only when the prefix holds the whole
	 * hash tag: its first '{', and a later '}' with at least one byte between.
	 */
	private static void requireHashTag(byte[] prefix) {
		int open = -1;
		for (int i = 0; i < prefix.length; i++) {
			if (open < 0 && prefix[i] == '{') {
				open = i;
			}
			else if (open >= 0 && prefix[i] == '}') {
				if (i > open + 1) {
					return;
				}
				break;
			}
		}
		throw new IllegalArgumentException("Cannot delete by the prefix '" + new String(prefix, StandardCharsets.UTF_8)
				+ "': it holds no complete hash tag, so the keys that start with it may live in any slot and "
				+ "finding them would take a scan of every master. Use a prefix that ends with or after a non-empty "
				+ "hash tag, for example 'orders::{42}'.");
	}

	/**
	 * Buffer a write without trying Redis first, for callers that already know its slot
	 * is failing.
	 * @param key the key
	 * @param value the value, or {@code null} for a delete
	 * @param ttl the time to live of a value; {@link Duration#ZERO} for none
	 * @return {@link WriteResult#BUFFERED} or a rejection
	 */
	public WriteResult buffer(byte[] key, byte @Nullable [] value, Duration ttl) {
		BufferedWrite write = (value != null)
				? BufferedWrite.put(key.clone(), value.clone(), deadline(ttl, this.clock.millis()))
				: BufferedWrite.delete(key.clone());
		return hold(write);
	}

	private WriteResult hold(BufferedWrite write) {
		return this.closed ? reject(RejectReason.CLOSED) : this.store.hold(write);
	}

	/**
	 * The direct path: the store decides under its lock whether the write queues (behind
	 * a replay of its key, or because its slot fails fast) or goes to Redis now; the
	 * outcome goes through the failure protocol, and a write that meets an outage is
	 * held.
	 */
	private WriteResult write(BufferedWrite write) {
		if (this.closed) {
			return reject(RejectReason.CLOSED);
		}
		int slot = this.keys.slot(write.key());
		WriteStore.Admission admission = this.store.admit(write, () -> this.guard.failsFast(slot));
		if (admission.held() != null) {
			return admission.held();
		}
		// The outcome clears the slot's mark if this write was its probe.
		SlotCall<Void> call = this.guard.attempt(slot, () -> {
			applyDirectly(write, slot);
			return null;
		});
		if (call.answered()) {
			admission.claimed().forEach(this.store::settle);
			return WriteResult.WRITTEN;
		}
		admission.claimed().forEach(this.store::restore);
		if (call.unavailable()) {
			return hold(write);
		}
		logger.warn("Redis refused a write to a key in slot " + slot + ": " + call.error());
		return reject(RejectReason.REFUSED);
	}

	/**
	 * Send a write and wait at most the write timeout, and no longer than the slot's
	 * master may stay silent ({@link SlotGuard#await}): a write that gets no answer in
	 * time is buffered. It may still reach Redis; its replay then finds it there (a put
	 * replayed with the same value or version changes nothing), and, sent later on the
	 * same connection, never overtakes it.
	 */
	private void applyDirectly(BufferedWrite write, int slot) {
		Duration timeout = this.settings.writeTimeout();
		if (timeout.isZero()) {
			applyAndWaitCommandTimeout(write);
			return;
		}
		this.commands.apply((commands) -> awaitWrite(slot, send(commands, write), timeout));
	}

	private @Nullable Object awaitWrite(int slot, CompletableFuture<?> reply, Duration timeout) {
		try {
			return this.guard.await(slot, reply, timeout);
		}
		catch (TimeoutException ex) {
			throw new RedisCommandTimeoutException("A direct write got no answer within the write timeout " + timeout);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw (cause instanceof RuntimeException runtime) ? runtime : new RedisException(cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisCommandInterruptedException(ex);
		}
	}

	private CompletableFuture<?> send(RedisClusterAsyncCommands<byte[], byte[]> commands, BufferedWrite write) {
		byte[] value = write.value();
		if (write.isPrefixDelete()) {
			return this.sender.deletePrefix(commands, write.key());
		}
		if (value == null) {
			return commands.del(write.key()).toCompletableFuture();
		}
		SetArgs args = new SetArgs();
		long ttl = (write.deadline() == 0) ? 0 : write.deadline() - this.clock.millis();
		if (ttl > 0) {
			args.px(ttl);
		}
		if (write.isFill()) {
			args.nx();
		}
		return commands.set(write.key(), value, args).toCompletableFuture();
	}

	private void applyAndWaitCommandTimeout(BufferedWrite write) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			if (write.isPrefixDelete()) {
				this.sender.deletePrefix(LettuceCommands.async(connection), write.key()).join();
				return;
			}
			byte[] value = write.value();
			if (value == null) {
				connection.keyCommands().del(write.key());
				return;
			}
			long ttl = (write.deadline() == 0) ? 0 : write.deadline() - this.clock.millis();
			connection.stringCommands()
				.set(write.key(), value, (ttl > 0) ? Expiration.milliseconds(ttl) : Expiration.persistent(),
						write.isFill() ? SetOption.ifAbsent() : SetOption.upsert());
		}
	}

	private WriteResult reject(RejectReason reason) {
		this.rejected.get(reason).incrementAndGet();
		return WriteResult.rejected(reason);
	}

	private void drop(RejectReason reason, long count) {
		this.dropped.get(reason).addAndGet(count);
		logger.warn("Dropped " + count + " buffered write(s): " + reason.name().toLowerCase(Locale.ROOT)
				+ " (dropped so far: " + dropped() + ")");
	}

	/**
	 * Replay what can be replayed now: buffered writes of slots that are not marked
	 * failing and not backing off, grouped by slot, in one pipelined batch. Expired puts
	 * are dropped and counted. Called by the buffer's own scheduler; public for tests and
	 * for callers that know the cluster just recovered.
	 * @return how many writes were delivered
	 */
	public int replay() {
		List<BufferedWrite> batch = this.store.nextBatch(this.sender::mayReplay);
		if (batch.isEmpty()) {
			return 0;
		}
		List<ReplaySender.Outcome> outcomes = this.sender.send(batch);
		int delivered = 0;
		for (int i = 0; i < batch.size(); i++) {
			BufferedWrite write = batch.get(i);
			ReplaySender.Outcome outcome = outcomes.get(i);
			if (outcome == ReplaySender.Outcome.UNAVAILABLE) {
				this.store.release(write);
				continue;
			}
			if (!this.store.remove(write)) {
				// A newer write to the key replaced this one meanwhile; it will be
				// replayed in its turn.
				continue;
			}
			switch (outcome) {
				case APPLIED -> delivered++;
				case SUPERSEDED -> this.superseded.incrementAndGet();
				case KEY_EXISTS -> {
					logger.warn("A replayed put to a key in slot " + this.keys.slot(write.key())
							+ " found the key holding a value it cannot tell is older, and kept it; use "
							+ "setVersioned for values only Slotwise writes, or delete the key first");
					drop(RejectReason.KEY_EXISTS, 1);
				}
				case REFUSED -> drop(RejectReason.REFUSED, 1);
				// FILLED_ALREADY: the fill only had to fill a gap, and there was none.
				default -> {
				}
			}
		}
		this.replayed.addAndGet(delivered);
		return delivered;
	}

	/**
	 * One run of the scheduler: batches while they deliver, then the journal's upkeep.
	 */
	private void replayAll() {
		while (replay() > 0 && this.store.size() > 0) {
			// Keep going while batches deliver; a slot that fails backs off.
		}
		compactJournal();
	}

	@Override
	public void start() {
		this.closed = false;
		recoverJournal();
		this.replayTask.start();
	}

	/**
	 * Stop replaying: a last drain for up to the drain timeout, then a report of what
	 * could not be delivered. New writes are rejected from now on. The drain keeps each
	 * slot's back-off: between tries it waits for a back-off to end or the buffer to
	 * change, so a slot that is still down is not hammered.
	 */
	@Override
	public void stop() {
		this.replayTask.stop(this.settings.drainTimeout().plusSeconds(1));
		this.closed = true;
		long deadline = System.nanoTime() + this.settings.drainTimeout().toNanos();
		try {
			while (this.store.size() > 0 && System.nanoTime() < deadline) {
				if (replay() > 0) {
					continue;
				}
				long untilRetry = Math.max(1, this.sender.nextAttempt() - this.clock.millis());
				long wait = Math.min(Math.min(untilRetry, this.settings.replayInterval().toMillis()) * 1_000_000L,
						deadline - System.nanoTime());
				this.store.awaitChange(wait);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		int pending = this.store.size();
		if (pending > 0 && this.journal != null) {
			logger.warn("Stopping with " + pending + " buffered write(s) not yet delivered to Redis; they are kept "
					+ "in the journal " + this.journal.file() + " and replayed at the next start");
		}
		else if (pending > 0) {
			logger.error("Stopping with " + pending + " buffered write(s) not delivered to Redis (dropped so far: "
					+ dropped() + "); enable slotwise.write-buffer.journal to keep them across a restart");
		}
	}

	@Override
	public boolean isRunning() {
		return this.replayTask.isRunning();
	}

	private void recoverJournal() {
		WriteBufferJournal journal = this.journal;
		if (journal == null || this.journalRecovered) {
			return;
		}
		this.journalRecovered = true;
		this.store.recover(journal.recovered().records().stream().map(BufferedWrite::of).toList());
	}

	private void compactJournal() {
		WriteBufferJournal journal = this.journal;
		if (journal == null) {
			return;
		}
		this.store.locked(() -> {
			// Overwrites during a long outage leave records behind: rewrite once they
			// outweigh what is pending.
			if (journal.size() > Math.max(4 * (this.store.bytes() + 64L * this.store.size()), 1024 * 1024)) {
				journal.compact(this.store.writes().stream().map(BufferedWrite::record).toList());
			}
		});
	}

	/**
	 * How many writes are buffered now.
	 * @return the number of buffered writes
	 */
	public int pending() {
		return this.store.size();
	}

	/**
	 * How many key and value bytes are buffered now.
	 * @return the bytes
	 */
	public long pendingBytes() {
		return this.store.bytes();
	}

	/**
	 * Keys of the writes buffered now, oldest first (for diagnostics and tests).
	 * @return the keys
	 */
	public List<byte[]> pendingKeys() {
		return this.store.writes().stream().map((write) -> write.key().clone()).toList();
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

	/** Journal coordination and counting, told of every change of the store. */
	private final class StoreListener implements WriteStore.Listener {

		@Override
		public void held(BufferedWrite write) {
			if (WriteBuffer.this.journal != null) {
				WriteBuffer.this.journal.held(write.record());
			}
		}

		@Override
		public void done(BufferedWrite write, boolean empty) {
			WriteBufferJournal journal = WriteBuffer.this.journal;
			if (journal == null) {
				return;
			}
			if (empty) {
				journal.truncate();
			}
			else {
				journal.done(write.key(), write.isPrefixDelete());
			}
		}

		@Override
		public void buffered() {
			WriteBuffer.this.buffered.incrementAndGet();
		}

		@Override
		public void rejected(RejectReason reason) {
			WriteBuffer.this.rejected.get(reason).incrementAndGet();
		}

		@Override
		public void dropped(RejectReason reason, int count) {
			drop(reason, count);
		}

	}

}
