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

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.slotwise.autoconfigure.PropertyChecks;
import dev.slotwise.autoconfigure.buffer.WriteBufferAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.cache.ClusterCacheSettings;
import dev.slotwise.cache.JsonValueSerializer;
import dev.slotwise.cache.NearCacheTracker;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the {@link WriteBuffer} and a {@link ClusterCacheManager},
 * ordered before Spring Boot's cache auto-configuration so that {@code @EnableCaching}
 * gets Slotwise's cache manager; a user's own {@link CacheManager} wins.
 */
@AutoConfiguration(
		after = { DataRedisAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
				FailureDetectionAutoConfiguration.class, WriteBufferAutoConfiguration.class },
		before = CacheAutoConfiguration.class)
@ConditionalOnClass({ CacheManager.class, RedisConnectionFactory.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@EnableConfigurationProperties(SlotwiseCacheProperties.class)
public final class ClusterCacheAutoConfiguration {

	private static final String JACKSON = "tools.jackson.databind.ObjectMapper";

	private static final String READ_FROM = "spring.data.redis.lettuce.read-from";

	@Bean(destroyMethod = "shutdown")
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "slotwise.cache.enabled", matchIfMissing = true)
	CacheRetrieveExecutor slotwiseCacheRetrieveExecutor(SlotwiseCacheProperties properties) {
		if (properties.getRetrieveThreads() < 1) {
			throw new InvalidConfigurationPropertyValueException("slotwise.cache.retrieve-threads",
					properties.getRetrieveThreads(), "The cache needs at least one thread for async lookups.");
		}
		return new CacheRetrieveExecutor(properties.getRetrieveThreads());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "slotwise.cache.enabled", matchIfMissing = true)
	@Conditional(OnNearCacheCondition.class)
	NearCacheTracker slotwiseNearCacheTracker(RedisConnectionFactory connectionFactory, SlotwiseCacheProperties cache,
			Environment environment) {
		String readFrom = environment.getProperty(READ_FROM);
		if (readFrom != null && !readFrom.equalsIgnoreCase("master") && !readFrom.equalsIgnoreCase("upstream")) {
			throw new InvalidConfigurationPropertyValueException(READ_FROM, readFrom,
					"The near cache (slotwise.cache.near) reads from masters only: a replica may answer with a value "
							+ "older than an invalidation this instance has already received, and the near cache "
							+ "would keep it. Leave " + READ_FROM + " unset, or turn the near cache off.");
		}
		PropertyChecks.positive("slotwise.cache.near.max-staleness", cache.getNear().getMaxStaleness());
		try {
			return new NearCacheTracker(connectionFactory, cache.getNear().getMaxStaleness());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("slotwise.cache.near.max-staleness",
					cache.getNear().getMaxStaleness(), ex.getMessage());
		}
	}

	@Bean
	@ConditionalOnMissingBean(CacheManager.class)
	@ConditionalOnBean(WriteBuffer.class)
	@ConditionalOnBooleanProperty(name = "slotwise.cache.enabled", matchIfMissing = true)
	ClusterCacheManager cacheManager(RedisConnectionFactory connectionFactory, WriteBuffer writeBuffer, SlotGuard guard,
			ClusterKeys keys, SlotwiseCacheProperties cache, CacheRetrieveExecutor executor,
			ObjectProvider<NearCacheTracker> nearCacheTracker) {
		RedisSerializer<Object> serializer = serializer(cache.getValueSerializer());
		ClusterCacheSettings defaults = settings(cache, serializer, cache.getDefaultTtl(), cache.getLastValueCapacity(),
				nearEntries(cache.getNear().isEnabled(), cache.getNear().getMaxEntries(), "slotwise.cache.near"),
				"slotwise.cache");
		Map<String, ClusterCacheSettings> configured = new LinkedHashMap<>();
		cache.getCaches().forEach((name, spec) -> {
			SlotwiseCacheProperties.CacheNear near = spec.getNear();
			int nearEntries = nearEntries((near.getEnabled() != null) ? near.getEnabled() : cache.getNear().isEnabled(),
					(near.getMaxEntries() != null) ? near.getMaxEntries() : cache.getNear().getMaxEntries(),
					"slotwise.cache.caches." + name + ".near");
			configured.put(name, settings(cache, serializer,
					(spec.getTtl() != null) ? spec.getTtl() : cache.getDefaultTtl(),
					(spec.getLastValueCapacity() != null) ? spec.getLastValueCapacity() : cache.getLastValueCapacity(),
					nearEntries, "slotwise.cache.caches." + name));
		});
		NearCacheTracker tracker = nearCacheTracker.getIfAvailable();
		return new ClusterCacheManager(configured, cache.isAllowRuntimeCaches() ? defaults : null,
				(name, settings) -> new ClusterCache(name, settings, connectionFactory, writeBuffer, guard, keys,
						Clock.systemUTC(), executor.executor(), tracker));
	}

	private static int nearEntries(boolean enabled, int maxEntries, String prefix) {
		if (!enabled) {
			return 0;
		}
		if (maxEntries < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".max-entries", maxEntries,
					"A near cache holds at least one entry. Raise it, or set " + prefix + ".enabled=false.");
		}
		return maxEntries;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class Metrics {

		@Bean
		@ConditionalOnMissingBean
		SlotwiseCacheMetrics slotwiseCacheMetrics(ObjectProvider<ClusterCacheManager> cacheManager,
				ObjectProvider<WriteBuffer> writeBuffer, ObjectProvider<SlotHealth> slotHealth,
				ObjectProvider<NearCacheTracker> nearCacheTracker) {
			return new SlotwiseCacheMetrics(cacheManager.getIfAvailable(), writeBuffer.getIfAvailable(),
					slotHealth.getIfAvailable(), nearCacheTracker.getIfAvailable());
		}

	}

	private static ClusterCacheSettings settings(SlotwiseCacheProperties cache, RedisSerializer<Object> serializer,
			java.time.Duration ttl, int lastValueCapacity, int nearEntries, String prefix) {
		if (ttl.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".ttl", ttl,
					"A time to live must not be negative. Use 0 to keep entries until they are evicted.");
		}
		if (lastValueCapacity < 0) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".last-value-capacity", lastValueCapacity,
					"It must be 0 (degraded reads are misses) or more.");
		}
		PropertyChecks.positive("slotwise.cache.read-timeout", cache.getReadTimeout());
		try {
			return new ClusterCacheSettings(ttl, cache.isAllowNullValues(), cache.getKeyPrefix(), serializer,
					lastValueCapacity, cache.getReadTimeout(), nearEntries);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("slotwise.cache.key-prefix", cache.getKeyPrefix(),
					ex.getMessage());
		}
	}

	private static RedisSerializer<Object> serializer(SlotwiseCacheProperties.ValueSerializer serializer) {
		if (serializer == SlotwiseCacheProperties.ValueSerializer.JAVA) {
			return RedisSerializer.java();
		}
		if (!ClassUtils.isPresent(JACKSON, ClusterCacheAutoConfiguration.class.getClassLoader())) {
			throw new InvalidConfigurationPropertyValueException("slotwise.cache.value-serializer", "json",
					"JSON needs Jackson 3 (tools.jackson.core:jackson-databind) on the classpath. Add it, or set "
							+ "slotwise.cache.value-serializer=java.");
		}
		return JsonValueSerializer.create();
	}

}
