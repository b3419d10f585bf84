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

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.slotwise.cache.ClusterCacheSettings;
import dev.slotwise.cache.NearCacheTracker;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the cache. The write buffer it writes through is configured
 * under {@code slotwise.write-buffer}.
 */
@ConfigurationProperties("slotwise.cache")
public class SlotwiseCacheProperties {

	/**
	 * Whether Slotwise provides the CacheManager.
	 */
	private boolean enabled = true;

	/**
	 * Time to live of entries of caches that set none. 0 keeps entries until evicted.
	 */
	private Duration defaultTtl = ClusterCacheSettings.DEFAULT_TTL;

	/**
	 * Whether null values are cached.
	 */
	private boolean allowNullValues = true;

	/**
	 * Prefix of every cache key in Redis, before '<cache name>::'. No braces.
	 */
	private String keyPrefix = "";

	/**
	 * Whether caches not listed under 'slotwise.cache.caches' are created when first
	 * used. When false, using one is an error.
	 */
	private boolean allowRuntimeCaches = true;

	/**
	 * How many last-seen values each cache keeps on this instance to answer reads of
	 * failing slots. 0 answers such reads as misses (the method runs).
	 */
	private int lastValueCapacity = 0;

	/**
	 * How values are serialized: 'json' (Jackson 3) or 'java' (JDK serialization).
	 */
	private ValueSerializer valueSerializer = ValueSerializer.JSON;

	/**
	 * How long a cache read waits for Redis before it answers degraded (a miss, or the
	 * last value seen) and marks the key's slot failing. Shorter than the command
	 * timeout, so that callers do not pile up on a hung master while every other slot
	 * starves. Writes wait the command timeout.
	 */
	private Duration readTimeout = ClusterCacheSettings.DEFAULT_READ_TIMEOUT;

	/**
	 * Threads that run the cache's asynchronous lookups (Spring's 'retrieve', used for
	 * methods returning CompletableFuture, Mono or Flux). Each lookup holds its thread
	 * for at most the read timeout.
	 */
	private int retrieveThreads = ClusterCacheSettings.DEFAULT_RETRIEVE_THREADS;

	/**
	 * The near cache: entries kept in this instance's memory and served without Redis
	 * while Redis can tell this instance they changed.
	 */
	private final Near near = new Near();

	/**
	 * Caches by name, with their own settings.
	 */
	private Map<String, CacheSpec> caches = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	public boolean isAllowNullValues() {
		return this.allowNullValues;
	}

	public void setAllowNullValues(boolean allowNullValues) {
		this.allowNullValues = allowNullValues;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public boolean isAllowRuntimeCaches() {
		return this.allowRuntimeCaches;
	}

	public void setAllowRuntimeCaches(boolean allowRuntimeCaches) {
		this.allowRuntimeCaches = allowRuntimeCaches;
	}

	public int getLastValueCapacity() {
		return this.lastValueCapacity;
	}

	public void setLastValueCapacity(int lastValueCapacity) {
		this.lastValueCapacity = lastValueCapacity;
	}

	public ValueSerializer getValueSerializer() {
		return this.valueSerializer;
	}

	public void setValueSerializer(ValueSerializer valueSerializer) {
		this.valueSerializer = valueSerializer;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public int getRetrieveThreads() {
		return this.retrieveThreads;
	}

	public void setRetrieveThreads(int retrieveThreads) {
		this.retrieveThreads = retrieveThreads;
	}

	public Near getNear() {
		return this.near;
	}

	public Map<String, CacheSpec> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, CacheSpec> caches) {
		this.caches = caches;
	}

	/**
	 * Settings of one named cache; unset values come from 'slotwise.cache.*'.
	 */
	public static class CacheSpec {

		/**
		 * Time to live of this cache's entries.
		 */
		private @Nullable Duration ttl;

		/**
		 * How many last-seen values this cache keeps to answer reads of failing slots.
		 */
		private @Nullable Integer lastValueCapacity;

		/**
		 * This cache's near cache; unset values come from 'slotwise.cache.near.*'.
		 */
		private final CacheNear near = new CacheNear();

		public CacheNear getNear() {
			return this.near;
		}

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Integer getLastValueCapacity() {
			return this.lastValueCapacity;
		}

		public void setLastValueCapacity(@Nullable Integer lastValueCapacity) {
			this.lastValueCapacity = lastValueCapacity;
		}

	}

	/**
	 * Near cache defaults, for every cache.
	 */
	public static class Near {

		/**
		 * Whether caches keep a near cache: entries held in this instance's memory,
		 * served without a round trip while every master tracks them for this instance
		 * (CLIENT TRACKING). Off by default: it costs memory, and a write made on another
		 * instance may be read here for up to 'max-staleness'.
		 */
		private boolean enabled = false;

		/**
		 * How many entries each cache's near cache holds at most.
		 */
		private int maxEntries = 10_000;

		/**
		 * How long after its acknowledgement a write made on another instance (or by any
		 * other client) may still be read from a near cache. A master's tracking
		 * connection answers a heartbeat four times in this period; while it does not,
		 * that master's entries are read from Redis.
		 */
		private Duration maxStaleness = NearCacheTracker.DEFAULT_MAX_STALENESS;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public Duration getMaxStaleness() {
			return this.maxStaleness;
		}

		public void setMaxStaleness(Duration maxStaleness) {
			this.maxStaleness = maxStaleness;
		}

	}

	/**
	 * One cache's near cache; unset values come from 'slotwise.cache.near.*'.
	 */
	public static class CacheNear {

		/**
		 * Whether this cache keeps a near cache.
		 */
		private @Nullable Boolean enabled;

		/**
		 * How many entries this cache's near cache holds at most.
		 */
		private @Nullable Integer maxEntries;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Integer getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(@Nullable Integer maxEntries) {
			this.maxEntries = maxEntries;
		}

	}

	/**
	 * Value serializers.
	 */
	public enum ValueSerializer {

		/** Jackson 3 JSON with type information. */
		JSON,

		/** JDK serialization. */
		JAVA

	}

}
