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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/**
 * One cache's local copies: bounded, never kept past the entry's Redis TTL, and served as
 * fresh only under the rule of the {@link NearCacheTracker}.
 *
 * <p>
 * The read-invalidate race is closed with a ticket taken before the {@code GET}: the
 * key's invalidation counter (one of a fixed set of stripes) and its slot's epoch. The
 * value read is stored only if neither moved meanwhile; an invalidation bumps the counter
 * before it removes the copy, and the store checks the counter inside the map's atomic
 * compute, so an invalidation that passed the value on its way is never undone by it.
 */
final class NearCache implements NearCacheTracker.Invalidated {

	private static final int STRIPES = 4096;

	/**
	 * What an entry costs beyond its key's characters and its value's serialized bytes:
	 * Caffeine's node, the entry, the key's {@code String} and a small value object's
	 * headers, as a 64-bit JVM with compressed references lays them out (an estimate).
	 */
	static final int ENTRY_OVERHEAD_BYTES = 120;

	private final NearCacheTracker tracker;

	private final String prefix;

	private final Cache<String, Entry> entries;

	private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder bytes = new LongAdder();

	NearCache(NearCacheTracker tracker, String prefix, int maxEntries) {
		this.tracker = tracker;
		this.prefix = prefix;
		// Every entry stored is counted in once and out once, whatever removes it
		// (replaced, invalidated, evicted, expired): on the thread that removes it.
		this.entries = Caffeine.newBuilder()
			.maximumSize(maxEntries)
			.expireAfter(new UntilExpiry())
			.executor(Runnable::run)
			.<String, Entry>removalListener((key, entry, cause) -> {
				if (entry != null) {
					this.bytes.add(-entry.bytes);
				}
			})
			.build();
		tracker.register(prefix, this);
	}

	/**
	 * A fresh copy of a key.
	 * @param key the Redis key
	 * @param slot its slot
	 * @return the value, or {@code null} if there is none or it may be stale
	 */
	@Nullable Object fresh(String key, int slot) {
		Entry entry = this.entries.getIfPresent(key);
		if (entry == null || entry.epoch != this.tracker.epoch(slot) || !this.tracker.covered(slot, this.prefix)) {
			this.misses.increment();
			return null;
		}
		this.hits.increment();
		return entry.value;
	}

	/**
	 * Any copy of a key, fresh or not: an answer for a degraded read.
	 * @param key the Redis key
	 * @return the value, or {@code null}
	 */
	@Nullable Object any(String key) {
		Entry entry = this.entries.getIfPresent(key);
		return (entry != null) ? entry.value : null;
	}

	/**
	 * What a read must hold to store its value: taken before the read is sent.
	 * @param key the Redis key
	 * @param slot its slot
	 * @return the ticket
	 */
	Ticket ticket(String key, int slot) {
		return new Ticket(this.stripes.get(stripe(key)), this.tracker.epoch(slot));
	}

	/**
	 * Keep what a read found, unless the key may have changed since its ticket.
	 * @param key the Redis key
	 * @param slot its slot
	 * @param ticket taken before the read
	 * @param value what it found
	 * @param expiresAt when the entry expires in Redis (epoch milliseconds), or
	 * {@link Long#MAX_VALUE}
	 * @param serializedBytes the value's size as Redis holds it, for the memory estimate
	 */
	void store(String key, int slot, Ticket ticket, Object value, long expiresAt, int serializedBytes) {
		int stripe = stripe(key);
		if (!this.tracker.covered(slot, this.prefix)) {
			return;
		}
		this.entries.asMap().compute(key, (k, old) -> {
			if (this.stripes.get(stripe) != ticket.stripe || this.tracker.epoch(slot) != ticket.epoch) {
				return old;
			}
			Entry entry = new Entry(value, ticket.epoch, expiresAt,
					ENTRY_OVERHEAD_BYTES + 2L * key.length() + serializedBytes);
			this.bytes.add(entry.bytes);
			return entry;
		});
	}

	@Override
	public void invalidate(String key) {
		this.stripes.incrementAndGet(stripe(key));
		this.entries.invalidate(key);
	}

	/**
	 * Forget every copy whose key starts with a prefix, and let no read in flight store.
	 * @param keyPrefix the prefix
	 */
	void invalidatePrefix(String keyPrefix) {
		for (int stripe = 0; stripe < STRIPES; stripe++) {
			this.stripes.incrementAndGet(stripe);
		}
		this.entries.asMap().keySet().removeIf((key) -> key.startsWith(keyPrefix));
	}

	/**
	 * Reads answered from memory.
	 * @return the count
	 */
	long hits() {
		return this.hits.sum();
	}

	/**
	 * Reads that found no fresh copy and went to Redis.
	 * @return the count
	 */
	long misses() {
		return this.misses.sum();
	}

	/**
	 * What the copies held now take in memory: per entry, its key's characters, its
	 * value's serialized size and {@link #ENTRY_OVERHEAD_BYTES}. An estimate: a value
	 * object can be larger or smaller in memory than its serialized form.
	 * @return the estimated bytes
	 */
	long estimatedBytes() {
		return Math.max(this.bytes.sum(), 0);
	}

	/**
	 * Copies held now.
	 * @return the estimated count
	 */
	long size() {
		return this.entries.estimatedSize();
	}

	private static int stripe(String key) {
		return Math.floorMod(key.hashCode(), STRIPES);
	}

	/**
	 * What a read held before it was sent.
	 *
	 * @param stripe the key's invalidation counter
	 * @param epoch the slot's epoch
	 */
	record Ticket(long stripe, long epoch) {
	}

	private record Entry(Object value, long epoch, long expiresAt, long bytes) {
	}

	private static final class UntilExpiry implements Expiry<String, Entry> {

		@Override
		public long expireAfterCreate(String key, Entry entry, long currentTime) {
			if (entry.expiresAt == Long.MAX_VALUE) {
				return Long.MAX_VALUE;
			}
			long millis = entry.expiresAt - System.currentTimeMillis();
			return (millis <= 0) ? 0 : TimeUnit.MILLISECONDS.toNanos(millis);
		}

		@Override
		public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
			return expireAfterCreate(key, entry, currentTime);
		}

		@Override
		public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
