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
import java.util.concurrent.ForkJoinPool;

import dev.slotwise.autoconfigure.PropertyChecks;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteBufferJournal;
import dev.slotwise.buffer.WriteBufferSettings;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.cache.ClusterCacheSettings;
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
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the {@link WriteBuffer} and a {@link ClusterCacheManager},
 * ordered before Spring Boot's cache auto-configuration so that {@code @EnableCaching}
 * gets Slotwise's cache manager; a user's own {@link CacheManager} wins.
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
		FailureDetectionAutoConfiguration.class }, before = CacheAutoConfiguration.class)
@ConditionalOnClass({ CacheManager.class, RedisConnectionFactory.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@EnableConfigurationProperties(SlotwiseCacheProperties.class)
public final class ClusterCacheAutoConfiguration {

	private static final String JACKSON = "tools.jackson.databind.ObjectMapper";

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("slotwise.write-buffer.journal.enabled")
	WriteBufferJournal slotwiseWriteBufferJournal(SlotwiseCacheProperties properties) {
		SlotwiseCacheProperties.WriteBuffer.Journal journal = properties.getWriteBuffer().getJournal();
		return WriteBufferJournal.open(journal.getDirectory(),
				PropertyChecks.positive("slotwise.write-buffer.journal.fsync-interval", journal.getFsyncInterval()));
	}

	@Bean
	@ConditionalOnMissingBean
	WriteBuffer writeBuffer(RedisConnectionFactory connectionFactory, ClusterKeys keys, SlotGuard guard,
			SlotwiseCacheProperties properties, ObjectProvider<WriteBufferJournal> journal) {
		SlotwiseCacheProperties.WriteBuffer buffer = properties.getWriteBuffer();
		if (buffer.getMaxEntries() < 1 || buffer.getMaxSize().toBytes() < 1) {
			throw new InvalidConfigurationPropertyValueException("slotwise.write-buffer.max-entries",
					buffer.getMaxEntries() + " / " + buffer.getMaxSize(),
					"The write buffer needs room for at least one write: set max-entries and max-size above zero.");
		}
		WriteBufferSettings settings = new WriteBufferSettings(buffer.getMaxEntries(), buffer.getMaxSize().toBytes(),
				buffer.getOverflow(),
				PropertyChecks.positive("slotwise.write-buffer.replay-interval", buffer.getReplayInterval()), 500,
				java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(5), buffer.getDrainTimeout());
		return new WriteBuffer(connectionFactory, keys, guard, settings, Clock.systemUTC(), journal.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean(CacheManager.class)
	@ConditionalOnBooleanProperty(name = "slotwise.cache.enabled", matchIfMissing = true)
	ClusterCacheManager cacheManager(RedisConnectionFactory connectionFactory, WriteBuffer writeBuffer, SlotGuard guard,
			ClusterKeys keys, SlotwiseCacheProperties properties) {
		SlotwiseCacheProperties.Cache cache = properties.getCache();
		RedisSerializer<Object> serializer = serializer(cache.getValueSerializer());
		ClusterCacheSettings defaults = settings(cache, serializer, cache.getDefaultTtl(), cache.getLastValueCapacity(),
				"slotwise.cache");
		Map<String, ClusterCacheSettings> configured = new LinkedHashMap<>();
		cache.getCaches()
			.forEach((name, spec) -> configured.put(name, settings(cache, serializer,
					(spec.getTtl() != null) ? spec.getTtl() : cache.getDefaultTtl(),
					(spec.getLastValueCapacity() != null) ? spec.getLastValueCapacity() : cache.getLastValueCapacity(),
					"slotwise.cache.caches." + name)));
		return new ClusterCacheManager(configured, cache.isAllowRuntimeCaches() ? defaults : null,
				(name, settings) -> new ClusterCache(name, settings, connectionFactory, writeBuffer, guard, keys,
						Clock.systemUTC(), ForkJoinPool.commonPool()));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class Metrics {

		@Bean
		@ConditionalOnMissingBean
		SlotwiseCacheMetrics slotwiseCacheMetrics(ObjectProvider<ClusterCacheManager> cacheManager,
				ObjectProvider<WriteBuffer> writeBuffer, ObjectProvider<SlotHealth> slotHealth) {
			return new SlotwiseCacheMetrics(cacheManager.getIfAvailable(), writeBuffer.getIfAvailable(),
					slotHealth.getIfAvailable());
		}

	}

	private static ClusterCacheSettings settings(SlotwiseCacheProperties.Cache cache,
			RedisSerializer<Object> serializer, java.time.Duration ttl, int lastValueCapacity, String prefix) {
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
					lastValueCapacity, cache.getReadTimeout());
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
		return RedisSerializer.json();
	}

}
