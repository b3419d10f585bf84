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

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for the cache ({@code slotwise.cache}) and the write buffer
 * ({@code slotwise.write-buffer}).
 */
@ConfigurationProperties("slotwise")
public class SlotwiseCacheProperties {

	private final Cache cache = new Cache();

	private final WriteBuffer writeBuffer = new WriteBuffer();

	public Cache getCache() {
		return this.cache;
	}

	public WriteBuffer getWriteBuffer() {
		return this.writeBuffer;
	}

	/**
	 * The cache.
	 */
	public static class Cache {

		/**
		 * Whether Slotwise provides the CacheManager.
		 */
		private boolean enabled = true;

		/**
		 * Time to live of entries of caches that set none. 0 keeps entries until evicted.
		 */
		private Duration defaultTtl = Duration.ofMinutes(10);

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
		 * How long a cache read waits for Redis before it answers degraded (a miss, or
		 * the last value seen) and marks the key's slot failing. Shorter than the command
		 * timeout, so that callers do not pile up on a hung master while every other slot
		 * starves. Writes wait the command timeout.
		 */
		private Duration readTimeout = Duration.ofMillis(250);

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

		public Map<String, CacheSpec> getCaches() {
			return this.caches;
		}

		public void setCaches(Map<String, CacheSpec> caches) {
			this.caches = caches;
		}

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
	 * The write buffer.
	 */
	public static class WriteBuffer {

		/**
		 * Most writes held while their slots are down.
		 */
		private int maxEntries = 10000;

		/**
		 * Most key and value bytes held while their slots are down.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(16);

		/**
		 * What happens to a write that does not fit: 'reject-new' or 'drop-oldest'.
		 * Either way it is counted and logged.
		 */
		private dev.slotwise.buffer.WriteBufferSettings.Overflow overflow = dev.slotwise.buffer.WriteBufferSettings.Overflow.REJECT_NEW;

		/**
		 * How often buffered writes are replayed.
		 */
		private Duration replayInterval = Duration.ofMillis(200);

		/**
		 * How long stopping the application may spend delivering buffered writes.
		 */
		private Duration drainTimeout = Duration.ofSeconds(5);

		private final Journal journal = new Journal();

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public dev.slotwise.buffer.WriteBufferSettings.Overflow getOverflow() {
			return this.overflow;
		}

		public void setOverflow(dev.slotwise.buffer.WriteBufferSettings.Overflow overflow) {
			this.overflow = overflow;
		}

		public Duration getReplayInterval() {
			return this.replayInterval;
		}

		public void setReplayInterval(Duration replayInterval) {
			this.replayInterval = replayInterval;
		}

		public Duration getDrainTimeout() {
			return this.drainTimeout;
		}

		public void setDrainTimeout(Duration drainTimeout) {
			this.drainTimeout = drainTimeout;
		}

		public Journal getJournal() {
			return this.journal;
		}

		/**
		 * An on-disk journal that keeps buffered writes across a restart.
		 */
		public static class Journal {

			/**
			 * Whether writes still buffered when the application stops are kept on disk
			 * and replayed when it starts again.
			 */
			private boolean enabled;

			/**
			 * Directory of the journal file; one directory per running instance.
			 */
			private Path directory = Path.of("slotwise-journal");

			/**
			 * How often journal records are forced to disk; a power loss can take the
			 * writes of at most this long.
			 */
			private Duration fsyncInterval = Duration.ofMillis(100);

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Path getDirectory() {
				return this.directory;
			}

			public void setDirectory(Path directory) {
				this.directory = directory;
			}

			public Duration getFsyncInterval() {
				return this.fsyncInterval;
			}

			public void setFsyncInterval(Duration fsyncInterval) {
				this.fsyncInterval = fsyncInterval;
			}

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
