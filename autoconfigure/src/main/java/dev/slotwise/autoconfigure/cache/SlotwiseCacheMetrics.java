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

package dev.slotwise.autoconfigure.cache;

import java.util.Locale;
import java.util.function.ToDoubleFunction;

import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteResult.RejectReason;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.cache.NearCacheFlush;
import dev.slotwise.cache.NearCacheTracker;
import dev.slotwise.cluster.SlotHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of the cache, the write buffer and the slots Slotwise treats as
 * failing. Every meter reads counters the runtime types keep anyway: nothing is added to
 * the request path. Tags are bounded: the cache name and the reason, never a key.
 *
 * <ul>
 * <li>{@code slotwise.cache.gets} (cache, result=hit|miss): every read;</li>
 * <li>{@code slotwise.cache.degraded.reads} (cache): reads of failing slots answered
 * without Redis (a part of the gets);</li>
 * <li>for a cache with a near cache, {@code slotwise.cache.near.hits} and {@code .misses}
 * (cache): reads answered from memory, and reads that found no fresh copy and went to
 * Redis; {@code slotwise.cache.near.size} (cache, entries) and
 * {@code slotwise.cache.near.memory} (cache, bytes, estimated from the keys and the
 * values' serialized size): what it holds now;</li>
 * <li>{@code slotwise.cache.near.invalidations},
 * {@code slotwise.cache.near.tracking.losses} and {@code slotwise.cache.near.flushes}
 * (cause): the near caches' invalidations, the times a master's tracking was lost, and
 * the times a master's copies stopped being fresh at once, by cause;</li>
 * <li>{@code slotwise.write-buffer.pending} and {@code .pending.bytes}: held now;</li>
 * <li>{@code slotwise.write-buffer.buffered}, {@code .replayed}, {@code .superseded}:
 * totals;</li>
 * <li>{@code slotwise.write-buffer.dropped} and {@code .rejected} (reason): writes not
 * delivered or not accepted;</li>
 * <li>{@code slotwise.cluster.slots.failing}: slots failed fast now.</li>
 * </ul>
 */
public class SlotwiseCacheMetrics implements MeterBinder {

	private final @Nullable ClusterCacheManager cacheManager;

	private final @Nullable WriteBuffer writeBuffer;

	private final @Nullable SlotHealth slotHealth;

	private final @Nullable NearCacheTracker nearCacheTracker;

	/**
	 * Create the binder; each part may be absent.
	 * @param cacheManager the cache manager, or {@code null}
	 * @param writeBuffer the write buffer, or {@code null}
	 * @param slotHealth the slot health, or {@code null}
	 */
	public SlotwiseCacheMetrics(@Nullable ClusterCacheManager cacheManager, @Nullable WriteBuffer writeBuffer,
			@Nullable SlotHealth slotHealth) {
		this(cacheManager, writeBuffer, slotHealth, null);
	}

	/**
	 * Create the binder; each part may be absent.
	 * @param cacheManager the cache manager, or {@code null}
	 * @param writeBuffer the write buffer, or {@code null}
	 * @param slotHealth the slot health, or {@code null}
	 * @param nearCacheTracker the near caches' tracker, or {@code null}
	 */
	public SlotwiseCacheMetrics(@Nullable ClusterCacheManager cacheManager, @Nullable WriteBuffer writeBuffer,
			@Nullable SlotHealth slotHealth, @Nullable NearCacheTracker nearCacheTracker) {
		this.cacheManager = cacheManager;
		this.writeBuffer = writeBuffer;
		this.slotHealth = slotHealth;
		this.nearCacheTracker = nearCacheTracker;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.cacheManager != null) {
			this.cacheManager.forEachCache((cache) -> bindCache(registry, cache));
		}
		NearCacheTracker tracker = this.nearCacheTracker;
		if (tracker != null) {
			counter(registry, "slotwise.cache.near.invalidations",
					"Invalidations the masters sent the near caches (keys, and flushes)", tracker,
					NearCacheTracker::invalidations);
			counter(registry, "slotwise.cache.near.tracking.losses",
					"Times a master's tracking link was lost or lapsed and its slots' near entries stopped being fresh",
					tracker, NearCacheTracker::trackingLosses);
			for (NearCacheFlush cause : NearCacheFlush.values()) {
				FunctionCounter.builder("slotwise.cache.near.flushes", tracker, (t) -> t.flushes(cause))
					.description("Times the near caches' copies of a master's slots stopped being fresh at once")
					.tag("cause", tag(cause))
					.register(registry);
			}
		}
		WriteBuffer buffer = this.writeBuffer;
		if (buffer != null) {
			Gauge.builder("slotwise.write-buffer.pending", buffer, WriteBuffer::pending)
				.description("Writes held by the write buffer now")
				.baseUnit("writes")
				.register(registry);
			Gauge.builder("slotwise.write-buffer.pending.bytes", buffer, WriteBuffer::pendingBytes)
				.description("Key and value bytes held by the write buffer now")
				.baseUnit(BaseUnits.BYTES)
				.register(registry);
			counter(registry, "slotwise.write-buffer.buffered", "Writes accepted into the write buffer", buffer,
					WriteBuffer::bufferedTotal);
			counter(registry, "slotwise.write-buffer.replayed", "Buffered writes delivered to Redis", buffer,
					WriteBuffer::replayed);
			counter(registry, "slotwise.write-buffer.superseded",
					"Buffered versioned puts not applied because a newer value was written meanwhile", buffer,
					WriteBuffer::superseded);
			for (RejectReason reason : RejectReason.values()) {
				String tag = tag(reason);
				FunctionCounter.builder("slotwise.write-buffer.dropped", buffer, (b) -> b.dropped().get(reason))
					.description("Buffered writes dropped without being delivered")
					.tag("reason", tag)
					.register(registry);
				FunctionCounter.builder("slotwise.write-buffer.rejected", buffer, (b) -> b.rejected().get(reason))
					.description("Writes the write buffer did not accept")
					.tag("reason", tag)
					.register(registry);
			}
		}
		if (this.slotHealth != null) {
			Gauge
				.builder("slotwise.cluster.slots.failing", this.slotHealth,
						(health) -> health.suspectSlots().cardinality())
				.description("Slots whose commands fail fast now")
				.baseUnit("slots")
				.register(registry);
		}
	}

	private static void bindCache(MeterRegistry registry, ClusterCache cache) {
		FunctionCounter.builder("slotwise.cache.gets", cache, ClusterCache::hits)
			.description("Cache reads")
			.tags("cache", cache.getName(), "result", "hit")
			.register(registry);
		FunctionCounter.builder("slotwise.cache.gets", cache, ClusterCache::misses)
			.description("Cache reads")
			.tags("cache", cache.getName(), "result", "miss")
			.register(registry);
		if (cache.hasNearCache()) {
			FunctionCounter.builder("slotwise.cache.near.hits", cache, ClusterCache::nearHits)
				.description("Cache reads answered from this instance's near cache, without Redis (a part of the hits)")
				.tags("cache", cache.getName())
				.register(registry);
			FunctionCounter.builder("slotwise.cache.near.misses", cache, ClusterCache::nearMisses)
				.description("Cache reads that found no fresh copy in this instance's near cache and went to Redis")
				.tags("cache", cache.getName())
				.register(registry);
			Gauge.builder("slotwise.cache.near.size", cache, ClusterCache::nearSize)
				.description("Entries held in this instance's near cache now")
				.tags("cache", cache.getName())
				.baseUnit("entries")
				.register(registry);
			Gauge.builder("slotwise.cache.near.memory", cache, ClusterCache::nearEstimatedBytes)
				.description("Memory the near cache's entries take now, estimated from their keys and their values' "
						+ "serialized size")
				.tags("cache", cache.getName())
				.baseUnit(BaseUnits.BYTES)
				.register(registry);
		}
		FunctionCounter.builder("slotwise.cache.degraded.reads", cache, ClusterCache::degradedReads)
			.description("Cache reads of failing slots answered without Redis")
			.tag("cache", cache.getName())
			.register(registry);
	}

	private static String tag(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static <T> void counter(MeterRegistry registry, String name, String description, T target,
			ToDoubleFunction<T> count) {
		FunctionCounter.builder(name, target, count).description(description).register(registry);
	}

}
