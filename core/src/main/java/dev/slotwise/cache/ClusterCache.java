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

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.slotwise.buffer.VersionedValue;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteResult;
import dev.slotwise.cluster.RedisOutage;
import dev.slotwise.cluster.OutageReason;
import dev.slotwise.cluster.SlotCall;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.key.TaggedKey;
import dev.slotwise.support.SharedCommands;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.serializer.SerializationException;

/**
 * A Spring {@link org.springframework.cache.Cache} on Redis Cluster.
 *
 * <ul>
 * <li><b>Read your writes.</b> {@link #put}, {@link #evict} and {@link #clear} wait for
 * Redis (or, in an outage, for the {@link WriteBuffer} to hold the write) before they
 * return, and a read on this instance sees them at once, buffered or not.</li>
 * <li><b>Load once.</b> {@link #get(Object, Callable)} and
 * {@link #retrieve(Object, Supplier)} run the loader once per key per instance however
 * many callers ask together. What the loader returns is stored only where the key holds
 * no value ({@link WriteBuffer#fillVersioned}): a miss may be a degraded read that never
 * saw Redis, and its loaded value must not replace the value Redis held all along.</li>
 * <li><b>Degrade per slot.</b> A read of a key whose slot is failing ({@link SlotGuard})
 * does not touch the network: it is a miss, or the last value this instance saw when
 * {@link ClusterCacheSettings#lastValueCapacity()} is set. Writes to such keys go to the
 * write buffer as versioned puts and deletes. Keys in healthy slots are untouched. Redis
 * being down never reaches the caller; it is logged once per slot state change.</li>
 * </ul>
 * Keys are {@code <prefix><name>::<key>}; a hash tag in the key ({@code user:{42}}) is
 * honoured. Values are stored with a {@link VersionedValue} header. Entries whose keys
 * begin with a hash tag (those of the {@link dev.slotwise.key.HashTagKeyGenerator}) are
 * evicted together with {@link #evictTag}, on the one master of the tag's slot.
 */
public class ClusterCache extends AbstractValueAdaptingCache {

	private static final Log logger = LogFactory.getLog(ClusterCache.class);

	private static final int STORE_STRIPES = 256;

	private static final byte[] NULL_PAYLOAD = new byte[0];

	private final String name;

	private final ClusterCacheSettings settings;

	private final RedisConnectionFactory connectionFactory;

	private final SharedCommands commands;

	private final WriteBuffer writeBuffer;

	private final SlotGuard guard;

	private final ClusterKeys keys;

	private final Clock clock;

	private final Executor executor;

	private final com.github.benmanes.caffeine.cache.@Nullable Cache<String, Object> lastValues;

	private final @Nullable NearCache near;

	private final Map<Object, CompletableFuture<Object>> loads = new ConcurrentHashMap<>();

	/**
	 * Stores this instance made, counted per stripe of keys: a load that sees no store in
	 * its key's stripe between its miss and its claim needs no second read.
	 */
	private final AtomicLongArray stores = new AtomicLongArray(STORE_STRIPES);

	private volatile long clearedAt;

	private final AtomicLong hits = new AtomicLong();

	private final AtomicLong misses = new AtomicLong();

	private final AtomicLong degradedReads = new AtomicLong();

	/**
	 * Create a cache.
	 * @param name the cache name
	 * @param settings its settings
	 * @param connectionFactory the Redis connection factory
	 * @param writeBuffer where writes to failing slots go
	 * @param guard the failure protocol, shared with the write buffer
	 * @param keys slot computation
	 * @param clock the clock for versions
	 * @param executor runs {@link #retrieve(Object)} lookups and the store after a
	 * {@link #retrieve(Object, Supplier)} load, which must not block their callers
	 */
	public ClusterCache(String name, ClusterCacheSettings settings, RedisConnectionFactory connectionFactory,
			WriteBuffer writeBuffer, SlotGuard guard, ClusterKeys keys, Clock clock, Executor executor) {
		this(name, settings, connectionFactory, writeBuffer, guard, keys, clock, executor, null);
	}

	/**
	 * Create a cache, with a near cache when its settings ask for one.
	 * @param name the cache name
	 * @param settings its settings
	 * @param connectionFactory the Redis connection factory
	 * @param writeBuffer where writes to failing slots go
	 * @param guard the failure protocol, shared with the write buffer
	 * @param keys slot computation
	 * @param clock the clock for versions
	 * @param executor runs {@link #retrieve(Object)} lookups and the store after a
	 * {@link #retrieve(Object, Supplier)} load, which must not block their callers
	 * @param tracker invalidations for the near cache, shared by every cache; required
	 * when {@link ClusterCacheSettings#nearMaxEntries()} is positive
	 */
	public ClusterCache(String name, ClusterCacheSettings settings, RedisConnectionFactory connectionFactory,
			WriteBuffer writeBuffer, SlotGuard guard, ClusterKeys keys, Clock clock, Executor executor,
			@Nullable NearCacheTracker tracker) {
		super(settings.allowNullValues());
		this.name = name;
		this.settings = settings;
		this.connectionFactory = connectionFactory;
		this.commands = new SharedCommands(connectionFactory);
		this.writeBuffer = writeBuffer;
		this.guard = guard;
		this.keys = keys;
		this.clock = clock;
		this.executor = executor;
		this.lastValues = (settings.lastValueCapacity() > 0)
				? Caffeine.newBuilder().maximumSize(settings.lastValueCapacity()).build() : null;
		if (settings.nearMaxEntries() > 0 && tracker == null) {
			throw new IllegalArgumentException("Cache '" + name + "' asks for a near cache of "
					+ settings.nearMaxEntries() + " entries but has no NearCacheTracker to keep it fresh");
		}
		this.near = (settings.nearMaxEntries() > 0 && tracker != null)
				? new NearCache(tracker, redisKey(""), settings.nearMaxEntries()) : null;
	}

	@Override
	public String getName() {
		return this.name;
	}

	/**
	 * The settings this cache was created with.
	 * @return the settings
	 */
	public ClusterCacheSettings getSettings() {
		return this.settings;
	}

	@Override
	public RedisConnectionFactory getNativeCache() {
		return this.connectionFactory;
	}

	/**
	 * The Redis key of a cache key.
	 * @param key the cache key
	 * @return {@code <prefix><name>::<key>}
	 */
	public String redisKey(Object key) {
		return this.settings.keyPrefix() + this.name + "::" + key;
	}

	@Override
	protected @Nullable Object lookup(Object key) {
		Object value = read(key);
		((value != null) ? this.hits : this.misses).incrementAndGet();
		return value;
	}

	/** A read that is not counted as a hit or miss (re-checks, evictIfPresent). */
	private @Nullable Object read(Object key) {
		return readEntry(key).value();
	}

	/**
	 * What a read found.
	 *
	 * @param value the value, or {@code null} for a miss
	 * @param hidden whether Redis holds a value this instance hides because it was
	 * written before its last {@link #clear()}: a load must replace it, not fill a gap
	 * @param at when the read began (epoch milliseconds): the version a load after a miss
	 * stores, so that it never outranks a put made after the miss
	 */
	private record Read(@Nullable Object value, boolean hidden, long at) {

	}

	private Read readEntry(Object key) {
		long at = this.clock.millis();
		String redisKey = redisKey(key);
		byte[] raw = redisKey.getBytes(StandardCharsets.UTF_8);
		WriteBuffer.PendingWrite pending = this.writeBuffer.pendingWrite(raw);
		if (pending != null) {
			// Our own write, not yet in Redis: answer with it.
			return new Read((pending.value() != null) ? decode(redisKey, pending.value()) : null, false, at);
		}
		int slot = this.keys.slot(raw);
		NearCache.Ticket ticket = null;
		if (this.near != null) {
			Object local = this.near.fresh(redisKey, slot);
			if (local != null) {
				return new Read(local, false, at);
			}
			ticket = this.near.ticket(redisKey, slot);
		}
		SlotCall<byte[]> call = this.guard.call(slot, () -> get(slot, raw));
		if (call.throwIfRefused().unavailable()) {
			return new Read(degraded(redisKey), false, at);
		}
		byte[] stored = call.value();
		Object value = (stored != null) ? decode(redisKey, stored) : null;
		remember(redisKey, value);
		if (ticket != null && value != null) {
			keepNear(redisKey, slot, ticket, value, stored);
		}
		return new Read(value, stored != null && value == null, at);
	}

	/**
	 * Keep a value read from Redis in the near cache, until its Redis TTL runs out (from
	 * the version header: the time it was written). A value without the header has an
	 * unknown TTL and is not kept.
	 */
	private void keepNear(String redisKey, int slot, NearCache.Ticket ticket, Object value, byte[] stored) {
		VersionedValue versioned = VersionedValue.decode(stored);
		if (versioned == null || this.near == null) {
			return;
		}
		long expiresAt = this.settings.ttl().isZero() ? Long.MAX_VALUE
				: versioned.version() + this.settings.ttl().toMillis();
		this.near.store(redisKey, slot, ticket, value, expiresAt, stored.length);
	}

	private void forgetNear(String redisKey) {
		if (this.near != null) {
			this.near.invalidate(redisKey);
		}
	}

	/**
	 * GET, waiting at most the read timeout, and no longer than the slot's master may
	 * stay silent ({@link SlotGuard#await}): a hung master holds a caller for a few tens
	 * of milliseconds, not for the command timeout, so callers do not pile up on it while
	 * other slots starve. The command itself stays in flight until the command timeout.
	 */
	private byte @Nullable [] get(int slot, byte[] key) {
		if (this.settings.readTimeout().isZero()) {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				return connection.stringCommands().get(key);
			}
		}
		return this.commands.apply((commands) -> awaitGet(slot, key, commands.get(key)));
	}

	private byte @Nullable [] awaitGet(int slot, byte[] key, RedisFuture<byte[]> reply) {
		try {
			return this.guard.await(slot, reply.toCompletableFuture(), this.settings.readTimeout());
		}
		catch (TimeoutException ex) {
			throw new RedisCommandTimeoutException(
					"Cache '" + this.name + "': no answer within the read timeout " + this.settings.readTimeout());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisCommandInterruptedException(ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (RedisOutage.isOutage(cause)) {
				throw (cause instanceof RuntimeException runtime) ? runtime : new RedisException(cause);
			}
			throw new RedisSystemException("Cache '" + this.name + "': GET failed: " + cause.getMessage(), cause);
		}
	}

	private int stripe(Object key) {
		return Math.floorMod(key.hashCode(), STORE_STRIPES);
	}

	private void stored(Object key) {
		this.stores.incrementAndGet(stripe(key));
	}

	private void storedAll() {
		for (int stripe = 0; stripe < STORE_STRIPES; stripe++) {
			this.stores.incrementAndGet(stripe);
		}
	}

	private @Nullable Object degraded(String redisKey) {
		this.degradedReads.incrementAndGet();
		Object last = (this.lastValues != null) ? this.lastValues.getIfPresent(redisKey) : null;
		return (last != null || this.near == null) ? last : this.near.any(redisKey);
	}

	private void remember(String redisKey, @Nullable Object value) {
		if (this.lastValues == null) {
			return;
		}
		// Most reads find what the last one found: a lookup then costs less than a
		// write, which Caffeine records for its eviction on every call.
		Object known = this.lastValues.getIfPresent(redisKey);
		if (value != null && !value.equals(known)) {
			this.lastValues.put(redisKey, value);
		}
		else if (value == null && known != null) {
			this.lastValues.invalidate(redisKey);
		}
	}

	private @Nullable Object decode(String redisKey, byte[] stored) {
		VersionedValue versioned = VersionedValue.decode(stored);
		if (versioned != null && versioned.version() < this.clearedAt) {
			// Written before this instance cleared the cache, in a slot it could not
			// reach.
			return null;
		}
		byte[] payload = (versioned != null) ? versioned.payload() : stored;
		if (payload.length == 0) {
			return NullValue.INSTANCE;
		}
		try {
			return this.settings.serializer().deserialize(payload);
		}
		catch (SerializationException ex) {
			throw new SerializationException("Cache '" + this.name + "' cannot read the value of '" + redisKey
					+ "' with " + this.settings.serializer().getClass().getSimpleName()
					+ "; was it written with another serializer?", ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		int stripe = stripe(key);
		long storesBefore = this.stores.get(stripe);
		Read first = readEntry(key);
		if (first.value() != null) {
			this.hits.incrementAndGet();
			return (T) fromStoreValue(first.value());
		}
		this.misses.incrementAndGet();
		CompletableFuture<Object> mine = new CompletableFuture<>();
		CompletableFuture<Object> running = this.loads.putIfAbsent(key, mine);
		if (running != null) {
			try {
				return (T) fromStoreValue(running.join());
			}
			catch (CompletionException ex) {
				throw new ValueRetrievalException(key, valueLoader, ex.getCause());
			}
		}
		try {
			// Another caller on this instance may have stored the value between our miss
			// and our claim (a load stores before it gives up its claim). If none did,
			// the first read stands and a round trip is saved.
			Read again = (this.stores.get(stripe) == storesBefore) ? first : readEntry(key);
			Object stored = again.value();
			if (stored == null) {
				T loaded = valueLoader.call();
				load(key, loaded, again);
				stored = toStoreValue(loaded);
				stored(key);
			}
			mine.complete(stored);
			return (T) fromStoreValue(stored);
		}
		catch (Exception ex) {
			mine.completeExceptionally(ex);
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
		finally {
			this.loads.remove(key, mine);
		}
	}

	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		return CompletableFuture.supplyAsync(() -> {
			Object stored = lookup(key);
			if (stored == null) {
				return null;
			}
			return isAllowNullValues() ? new SimpleValueWrapper(fromStoreValue(stored)) : fromStoreValue(stored);
		}, this.executor);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		return CompletableFuture.supplyAsync(() -> {
			Read read = readEntry(key);
			((read.value() != null) ? this.hits : this.misses).incrementAndGet();
			return read;
		}, this.executor).thenCompose((read) -> {
			Object stored = read.value();
			if (stored != null) {
				return CompletableFuture.completedFuture((T) fromStoreValue(stored));
			}
			CompletableFuture<Object> mine = new CompletableFuture<>();
			CompletableFuture<Object> running = this.loads.putIfAbsent(key, mine);
			if (running != null) {
				return running.thenApply((value) -> (T) fromStoreValue(value));
			}
			CompletableFuture<T> loading;
			try {
				loading = valueLoader.get();
			}
			catch (RuntimeException | Error ex) {
				// A loader that throws before its future exists ends its load as a
				// failed future would: callers that joined it must not wait forever.
				loading = CompletableFuture.failedFuture(ex);
			}
			// The loader's future may complete on an event loop (a WebClient call, a
			// reactive Redis read): the fill, a blocking write, runs on the cache's own
			// threads instead.
			loading.whenCompleteAsync((value, failure) -> {
				try {
					if (failure != null) {
						mine.completeExceptionally(failure);
					}
					else {
						load(key, value, read);
						mine.complete(toStoreValue(value));
					}
				}
				catch (RuntimeException ex) {
					mine.completeExceptionally(ex);
				}
				finally {
					this.loads.remove(key, mine);
				}
			}, this.executor);
			return mine.thenApply((value) -> (T) fromStoreValue(value));
		});
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		String redisKey = redisKey(key);
		Object storeValue = toStoreValue(value);
		WriteResult result = this.writeBuffer.setVersioned(redisKey.getBytes(StandardCharsets.UTF_8),
				serialize(storeValue), this.settings.ttl());
		stored(key);
		forgetNear(redisKey);
		if (!result.acknowledged()) {
			logger.warn("Cache '" + this.name + "': a put was not accepted (" + result.reason() + ")");
			remember(redisKey, null);
			return;
		}
		remember(redisKey, storeValue);
	}

	/**
	 * Store what a loader returned after a miss. The miss may have been a degraded read
	 * that never saw Redis, so the value only fills a gap
	 * ({@link WriteBuffer#fillVersioned}): it never replaces a value Redis held all
	 * along, nor one another instance put since the miss (the fill carries the time of
	 * the miss, not of the load's end). Only a value hidden by this instance's last
	 * {@link #clear()} is replaced.
	 */
	private void load(Object key, @Nullable Object value, Read miss) {
		if (miss.hidden()) {
			put(key, value);
			return;
		}
		String redisKey = redisKey(key);
		// What the key ends up holding may be another value: do not remember this one.
		remember(redisKey, null);
		WriteResult result = this.writeBuffer.fillVersioned(redisKey.getBytes(StandardCharsets.UTF_8),
				serialize(toStoreValue(value)), this.settings.ttl(), miss.at());
		forgetNear(redisKey);
		if (!result.acknowledged() && logger.isDebugEnabled()) {
			logger.debug("Cache '" + this.name + "': a fill after a load was not kept (" + result.reason() + ")");
		}
	}

	/**
	 * Store a value if the key holds none, returning the value it holds otherwise. Not
	 * atomic across instances (as the {@link org.springframework.cache.Cache} contract
	 * allows), but a value stored while the key's slot could not be read only fills a gap
	 * once Redis answers: it never replaces the value Redis held.
	 */
	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		Read existing = readEntry(key);
		if (existing.value() != null) {
			return toValueWrapper(existing.value());
		}
		load(key, value, existing);
		return null;
	}

	private byte[] serialize(Object storeValue) {
		if (storeValue == NullValue.INSTANCE) {
			return NULL_PAYLOAD;
		}
		try {
			byte[] payload = this.settings.serializer().serialize(storeValue);
			return (payload != null) ? payload : NULL_PAYLOAD;
		}
		catch (SerializationException ex) {
			throw new IllegalArgumentException("Cache '" + this.name + "' cannot serialize a value of type "
					+ storeValue.getClass().getName() + " with " + this.settings.serializer().getClass().getSimpleName()
					+ ": make the type serializable by it, or configure another value serializer for this cache.", ex);
		}
	}

	@Override
	public void evict(Object key) {
		String redisKey = redisKey(key);
		WriteResult result = this.writeBuffer.delete(redisKey.getBytes(StandardCharsets.UTF_8));
		stored(key);
		remember(redisKey, null);
		forgetNear(redisKey);
		if (!result.acknowledged()) {
			logger.warn("Cache '" + this.name + "': an eviction was not accepted (" + result.reason() + ")");
		}
	}

	@Override
	public boolean evictIfPresent(Object key) {
		boolean present = read(key) != null;
		evict(key);
		return present;
	}

	/**
	 * Evict every entry of this cache whose key begins with a hash tag: all the entries
	 * the {@link dev.slotwise.key.HashTagKeyGenerator} made for one tag, that is every
	 * key {@code <prefix><name>::{tag}...}. They share the tag's slot, so one script on
	 * that slot's master finds and deletes them ({@code CLUSTER GETKEYSINSLOT}, see
	 * {@link WriteBuffer#deleteByPrefix}); no other master is asked and nothing is
	 * scanned. Entries of other tags, of other caches, and keys of this cache without the
	 * tag stay.
	 *
	 * <p>
	 * Read your writes: when this returns, reads of the tag's entries on this instance
	 * miss. During an outage of the tag's slot the eviction is buffered, replayed before
	 * any later put to the tag's entries, and meanwhile those puts are held behind it;
	 * entries this instance remembered for degraded reads are forgotten at once.
	 * @param tag the tag, as the key generator took it from the tag argument (its text is
	 * the tag)
	 * @throws IllegalArgumentException if the tag is {@code null}, empty, an array or
	 * holds a brace
	 * @throws IllegalStateException if this cache's name holds a brace, which would take
	 * the tag's place in its keys
	 */
	public void evictTag(Object tag) {
		if (this.name.indexOf('{') >= 0 || this.name.indexOf('}') >= 0) {
			throw new IllegalStateException("Cache '" + this.name + "' cannot evict by hash tag: its name holds a "
					+ "brace, so Redis hashes its keys by the name, not by the tag. Use a cache name without '{' or '}'.");
		}
		String group;
		try {
			group = redisKey(TaggedKey.hashTag(tag));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Cache '" + this.name + "': " + ex.getMessage(), ex);
		}
		if (this.lastValues != null) {
			this.lastValues.asMap().keySet().removeIf((key) -> key.startsWith(group));
		}
		WriteResult result = this.writeBuffer.deleteByPrefix(group.getBytes(StandardCharsets.UTF_8));
		storedAll();
		if (this.near != null) {
			this.near.invalidatePrefix(group);
		}
		if (!result.acknowledged()) {
			logger.warn("Cache '" + this.name + "': the eviction of a tag's entries was not accepted ("
					+ result.reason() + ")");
		}
	}

	@Override
	public void clear() {
		invalidate();
	}

	/**
	 * Remove every entry of this cache from every reachable master. Entries in slots that
	 * cannot be reached now are hidden from this instance at once (they are older than
	 * the clear) and expire with their TTL.
	 * @return whether any entry was removed
	 */
	@Override
	public boolean invalidate() {
		this.clearedAt = this.clock.millis() + 1;
		storedAll();
		if (this.lastValues != null) {
			this.lastValues.invalidateAll();
		}
		if (this.near != null) {
			this.near.invalidatePrefix(redisKey(""));
		}
		byte[] pattern = (escape(this.settings.keyPrefix() + this.name) + "::*").getBytes(StandardCharsets.UTF_8);
		boolean removed = false;
		try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
			for (RedisClusterNode node : connection.clusterGetNodes()) {
				if (!node.isMaster()) {
					continue;
				}
				try (Cursor<byte[]> cursor = connection.scan(node,
						ScanOptions.scanOptions().match(pattern).count(500).build())) {
					List<byte[]> found = new ArrayList<>();
					cursor.forEachRemaining(found::add);
					for (byte[] key : found) {
						removed |= this.writeBuffer.delete(key) == WriteResult.WRITTEN;
					}
				}
				catch (RuntimeException ex) {
					OutageReason reason = RedisOutage.reason(ex).orElseThrow(() -> ex);
					logger.warn("Cache '" + this.name + "': could not clear entries on " + node.getHost() + ":"
							+ node.getPort() + " (" + reason
							+ "); they are hidden from this instance and expire with their TTL");
				}
			}
		}
		return removed;
	}

	private static String escape(String glob) {
		return glob.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
	}

	/**
	 * Reads that found an entry (in Redis, among this instance's buffered writes, or, for
	 * a degraded read, among the last values it saw).
	 * @return the count
	 */
	public long hits() {
		return this.hits.get();
	}

	/**
	 * Reads that found none. Hits and misses together count every read; degraded reads
	 * are a part of them.
	 * @return the count
	 */
	public long misses() {
		return this.misses.get();
	}

	/**
	 * Reads answered from this instance's near cache, fresh, without Redis; a part of the
	 * hits.
	 * @return the count, 0 without a near cache
	 */
	public long nearHits() {
		return (this.near != null) ? this.near.hits() : 0;
	}

	/**
	 * Entries held in this instance's near cache.
	 * @return the estimated count, 0 without a near cache
	 */
	public long nearSize() {
		return (this.near != null) ? this.near.size() : 0;
	}

	/**
	 * Reads that found no fresh copy in this instance's near cache and went to Redis.
	 * @return the count, 0 without a near cache
	 */
	public long nearMisses() {
		return (this.near != null) ? this.near.misses() : 0;
	}

	/**
	 * What the copies in this instance's near cache take in memory, estimated from their
	 * keys and their values' serialized size.
	 * @return the estimated bytes, 0 without a near cache
	 */
	public long nearEstimatedBytes() {
		return (this.near != null) ? this.near.estimatedBytes() : 0;
	}

	/**
	 * Whether this cache keeps a near cache.
	 * @return whether reads may be answered from this instance's memory
	 */
	public boolean hasNearCache() {
		return this.near != null;
	}

	/**
	 * Reads of failing slots answered without Redis.
	 * @return the count
	 */
	public long degradedReads() {
		return this.degradedReads.get();
	}

}
