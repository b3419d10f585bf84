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

import java.time.Duration;
import java.util.Objects;

import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Settings of one {@link ClusterCache}.
 *
 * @param ttl time to live of entries; {@link Duration#ZERO} for none
 * @param allowNullValues whether {@code null} values are cached
 * @param keyPrefix prefix of every Redis key, before {@code <cache name>::}; no braces
 * @param serializer turns values into bytes and back
 * @param lastValueCapacity how many last-seen values this instance keeps to answer reads
 * of failing slots; 0 answers them as misses
 * @param readTimeout how long a read waits for Redis before it answers degraded and marks
 * its slot failing; {@link Duration#ZERO} waits the connection's command timeout
 * @param nearMaxEntries how many entries this instance keeps in memory and serves while
 * Redis can tell it they changed (the near cache, see {@link NearCacheTracker}); 0 for no
 * near cache
 */
public record ClusterCacheSettings(Duration ttl, boolean allowNullValues, String keyPrefix,
		RedisSerializer<Object> serializer, int lastValueCapacity, Duration readTimeout, int nearMaxEntries) {

	/** Default time to live of entries: 10 minutes. */
	public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

	/**
	 * Default longest wait of a read before it answers degraded: 250 ms, about a hundred
	 * times a healthy read on a LAN, far below a command timeout.
	 */
	public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMillis(250);

	/**
	 * Default number of threads for a cache's asynchronous lookups: 16. A lookup holds
	 * its thread for at most the read timeout, so 16 threads answer at least 64 lookups a
	 * second from a hung master and thousands from healthy ones.
	 */
	public static final int DEFAULT_RETRIEVE_THREADS = 16;

	/**
	 * Settings without a near cache.
	 * @param ttl time to live of entries; {@link Duration#ZERO} for none
	 * @param allowNullValues whether {@code null} values are cached
	 * @param keyPrefix prefix of every Redis key, before {@code <cache name>::}; no
	 * braces
	 * @param serializer turns values into bytes and back
	 * @param lastValueCapacity how many last-seen values this instance keeps to answer
	 * reads of failing slots; 0 answers them as misses
	 * @param readTimeout how long a read waits for Redis before it answers degraded and
	 * marks its slot failing; {@link Duration#ZERO} waits the connection's command
	 * timeout
	 */
	public ClusterCacheSettings(Duration ttl, boolean allowNullValues, String keyPrefix,
			RedisSerializer<Object> serializer, int lastValueCapacity, Duration readTimeout) {
		this(ttl, allowNullValues, keyPrefix, serializer, lastValueCapacity, readTimeout, 0);
	}

	/**
	 * Settings whose reads wait the connection's command timeout.
	 * @param ttl time to live of entries; {@link Duration#ZERO} for none
	 * @param allowNullValues whether {@code null} values are cached
	 * @param keyPrefix prefix of every Redis key, before {@code <cache name>::}; no
	 * braces
	 * @param serializer turns values into bytes and back
	 * @param lastValueCapacity how many last-seen values this instance keeps to answer
	 * reads of failing slots; 0 answers them as misses
	 */
	public ClusterCacheSettings(Duration ttl, boolean allowNullValues, String keyPrefix,
			RedisSerializer<Object> serializer, int lastValueCapacity) {
		this(ttl, allowNullValues, keyPrefix, serializer, lastValueCapacity, Duration.ZERO, 0);
	}

	/**
	 * Check the settings.
	 */
	public ClusterCacheSettings {
		Objects.requireNonNull(ttl, "ttl must not be null");
		Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
		Objects.requireNonNull(serializer, "serializer must not be null");
		if (ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
		}
		if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"keyPrefix '" + keyPrefix + "' contains a brace; it would take the place "
							+ "of the hash tags in cache keys. Use a prefix without '{' or '}'.");
		}
		if (lastValueCapacity < 0) {
			throw new IllegalArgumentException("lastValueCapacity must not be negative, was " + lastValueCapacity);
		}
		Objects.requireNonNull(readTimeout, "readTimeout must not be null");
		if (readTimeout.isNegative()) {
			throw new IllegalArgumentException("readTimeout must not be negative, was " + readTimeout);
		}
		if (nearMaxEntries < 0) {
			throw new IllegalArgumentException("nearMaxEntries must not be negative, was " + nearMaxEntries);
		}
	}

}
