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

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.CacheManager;

/**
 * A {@link CacheManager} of {@link ClusterCache}s: the configured caches, and, when
 * allowed, caches created on first use with default settings.
 */
public class ClusterCacheManager implements CacheManager {

	private static final Log logger = LogFactory.getLog(ClusterCacheManager.class);

	private final Map<String, ClusterCacheSettings> configured;

	private final @Nullable ClusterCacheSettings runtimeDefaults;

	private final BiFunction<String, ClusterCacheSettings, ClusterCache> factory;

	private final Map<String, ClusterCache> caches = new ConcurrentHashMap<>();

	private final Set<String> refused = ConcurrentHashMap.newKeySet();

	private final List<Consumer<ClusterCache>> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Create a cache manager.
	 * @param configured settings of the caches known up front, by name
	 * @param runtimeDefaults settings of caches created on first use, or {@code null} to
	 * allow only the configured ones
	 * @param factory creates a cache from its name and settings
	 */
	public ClusterCacheManager(Map<String, ClusterCacheSettings> configured,
			@Nullable ClusterCacheSettings runtimeDefaults,
			BiFunction<String, ClusterCacheSettings, ClusterCache> factory) {
		this.configured = Map.copyOf(configured);
		this.runtimeDefaults = runtimeDefaults;
		this.factory = factory;
		this.configured.forEach((name, settings) -> this.caches.put(name, factory.apply(name, settings)));
	}

	@Override
	public @Nullable ClusterCache getCache(String name) {
		ClusterCache cache = this.caches.get(name);
		if (cache != null) {
			return cache;
		}
		if (this.runtimeDefaults == null) {
			if (this.refused.add(name)) {
				logger.error("Cache '" + name + "' is not configured and slotwise.cache.allow-runtime-caches is false. "
						+ "Add it under slotwise.cache.caches." + name + " (for example with a ttl), or allow runtime "
						+ "caches. Configured caches: " + this.configured.keySet());
			}
			return null;
		}
		ClusterCache[] created = new ClusterCache[1];
		ClusterCache result = this.caches.computeIfAbsent(name,
				(missing) -> created[0] = this.factory.apply(missing, this.runtimeDefaults));
		if (created[0] != null) {
			this.listeners.forEach((listener) -> listener.accept(created[0]));
		}
		return result;
	}

	/**
	 * Apply an action to every cache: those that exist now, and each cache created on
	 * first use later (metrics binders use this).
	 * @param action the action
	 */
	public void forEachCache(Consumer<ClusterCache> action) {
		this.listeners.add(action);
		this.caches.values().forEach(action);
	}

	/**
	 * Evict every entry of a tag from a cache ({@link ClusterCache#evictTag}): a bean
	 * method for code and SpEL alike, for example after a change to all of a user's
	 * orders: {@code cacheManager.evictTag("orders", userId)}.
	 * @param cacheName the cache
	 * @param tag the tag, as the key generator took it from the tag argument
	 * @throws IllegalArgumentException if there is no such cache, or the tag is not a tag
	 */
	public void evictTag(String cacheName, Object tag) {
		ClusterCache cache = getCache(cacheName);
		if (cache == null) {
			throw new IllegalArgumentException("Cannot evict tag '" + tag + "' from cache '" + cacheName
					+ "': there is no such cache. Configure it under slotwise.cache.caches." + cacheName + " (known: "
					+ getCacheNames() + ")");
		}
		cache.evictTag(tag);
	}

	@Override
	public Collection<String> getCacheNames() {
		return Collections.unmodifiableSet(new LinkedHashSet<>(this.caches.keySet()));
	}

}
