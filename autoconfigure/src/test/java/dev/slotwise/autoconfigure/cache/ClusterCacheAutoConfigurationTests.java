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

import dev.slotwise.autoconfigure.buffer.WriteBufferAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteBufferJournal;
import dev.slotwise.buffer.WriteResult;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.cache.JsonValueSerializer;
import dev.slotwise.cache.NearCacheTracker;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link ClusterCacheAutoConfiguration}; no Redis needed.
 */
class ClusterCacheAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				FailureDetectionAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
				DataRedisAutoConfiguration.class, WriteBufferAutoConfiguration.class,
				ClusterCacheAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(Caching.class)
		.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:7001");

	@Test
	void providesTheCacheManagerWriteBufferAndSlotHealth() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ClusterCacheManager.class)
				.hasSingleBean(WriteBuffer.class)
				.hasSingleBean(SlotHealth.class);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ClusterCacheManager.class);
		});
	}

	@Test
	void asyncLookupsRunOnABoundedNamedPoolShutDownWithTheContext() {
		this.runner.withPropertyValues("slotwise.cache.retrieve-threads=3").run((context) -> {
			CacheRetrieveExecutor executor = context.getBean(CacheRetrieveExecutor.class);
			assertThat(executor.threads()).isEqualTo(3);
			String thread = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> Thread.currentThread().getName(), executor.executor())
				.join();
			assertThat(thread).startsWith("slotwise-cache-");
			context.close();
			assertThat(executor.isShutdown()).isTrue();
		});
		this.runner.withPropertyValues("slotwise.cache.retrieve-threads=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cache.retrieve-threads"));
		this.runner.withPropertyValues("slotwise.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CacheRetrieveExecutor.class));
	}

	@Test
	void configuredCachesExistAtStartAndUnlistedOnesOnlyWhenAllowed() {
		this.runner.withPropertyValues("slotwise.cache.caches.products.ttl=30s", "slotwise.cache.caches.users.ttl=3m")
			.run((context) -> {
				CacheManager manager = context.getBean(CacheManager.class);
				assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("products", "users");
				assertThat(manager.getCache("other")).isNotNull();
				assertThat(((ClusterCache) manager.getCache("products")).getSettings().readTimeout())
					.isEqualTo(Duration.ofMillis(250));
			});
		this.runner.withPropertyValues("slotwise.cache.read-timeout=80ms").run((context) -> {
			ClusterCache other = (ClusterCache) context.getBean(CacheManager.class).getCache("other");
			assertThat(other.getSettings().readTimeout()).isEqualTo(Duration.ofMillis(80));
		});
		this.runner
			.withPropertyValues("slotwise.cache.caches.products.ttl=30s", "slotwise.cache.allow-runtime-caches=false")
			.run((context) -> {
				CacheManager manager = context.getBean(CacheManager.class);
				assertThat(manager.getCache("products")).isNotNull();
				assertThat(manager.getCache("other")).isNull();
			});
	}

	@Test
	void theNearCacheIsOffUnlessACacheAsksForIt() {
		this.runner.withPropertyValues("slotwise.cache.caches.products.ttl=30s").run((context) -> {
			assertThat(context).doesNotHaveBean(NearCacheTracker.class);
			assertThat(nearEntries(context, "products")).isZero();
		});
		this.runner.withPropertyValues("slotwise.cache.near.enabled=true",
				"slotwise.cache.caches.products.near.max-entries=50", "slotwise.cache.caches.users.near.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(NearCacheTracker.class);
				assertThat(context.getBean(NearCacheTracker.class).maxStaleness()).isEqualTo(Duration.ofMillis(200));
				assertThat(nearEntries(context, "products")).isEqualTo(50);
				assertThat(nearEntries(context, "users")).isZero();
				assertThat(nearEntries(context, "other")).isEqualTo(10_000);
			});
		this.runner
			.withPropertyValues("slotwise.cache.caches.products.near.enabled=true",
					"slotwise.cache.near.max-staleness=80ms")
			.run((context) -> {
				assertThat(context.getBean(NearCacheTracker.class).maxStaleness()).isEqualTo(Duration.ofMillis(80));
				assertThat(nearEntries(context, "products")).isEqualTo(10_000);
				assertThat(nearEntries(context, "other")).isZero();
			});
	}

	@Test
	void aNearCacheWithBadSettingsOrReplicaReadsFailsAtStartNamingTheProperty() {
		this.runner
			.withPropertyValues("slotwise.cache.near.enabled=true",
					"spring.data.redis.lettuce.read-from=replicaPreferred")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("spring.data.redis.lettuce.read-from")
				.hasMessageContaining("reads from masters only"));
		this.runner
			.withPropertyValues("slotwise.cache.near.enabled=true", "slotwise.cache.caches.products.near.max-entries=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cache.caches.products.near.max-entries"));
		this.runner.withPropertyValues("slotwise.cache.near.enabled=true", "slotwise.cache.near.max-staleness=10ms")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cache.near.max-staleness")
				.hasMessageContaining("at least 20ms"));
	}

	private static int nearEntries(org.springframework.context.ApplicationContext context, String cache) {
		return ((ClusterCache) context.getBean(CacheManager.class).getCache(cache)).getSettings().nearMaxEntries();
	}

	@Test
	void valuesAreJsonReadInOnePassUnlessJavaIsAskedFor() {
		this.runner.run((context) -> {
			ClusterCache cache = (ClusterCache) context.getBean(CacheManager.class).getCache("any");
			assertThat(cache.getSettings().serializer()).isInstanceOf(JsonValueSerializer.class);
		});
		this.runner.withPropertyValues("slotwise.cache.value-serializer=java").run((context) -> {
			ClusterCache cache = (ClusterCache) context.getBean(CacheManager.class).getCache("any");
			assertThat(cache.getSettings().serializer()).isInstanceOf(JdkSerializationRedisSerializer.class);
		});
	}

	@Test
	void backsOffForAUsersCacheManagerAndWhenDisabled() {
		this.runner.withBean(CacheManager.class, ConcurrentMapCacheManager::new).run((context) -> {
			assertThat(context).doesNotHaveBean(ClusterCacheManager.class);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
		});
		this.runner.withPropertyValues("slotwise.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterCacheManager.class));
	}

	@Test
	void badValuesFailAtStartNamingTheProperty() {
		this.runner.withPropertyValues("slotwise.cache.caches.products.ttl=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cache.caches.products.ttl");
		});
		this.runner.withPropertyValues("slotwise.cache.key-prefix=app{1}:").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("slotwise.cache.key-prefix");
		});
		this.runner.withPropertyValues("slotwise.cache.read-timeout=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("slotwise.cache.read-timeout");
		});
		this.runner.withPropertyValues("slotwise.write-buffer.max-entries=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("slotwise.write-buffer.max-entries");
		});
	}

	@Test
	void theJournalIsOpenedOnlyWhenEnabledAndClosedWithTheContext(@TempDir Path directory) {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(WriteBufferJournal.class));
		ApplicationContextRunner journaled = this.runner.withPropertyValues(
				"slotwise.write-buffer.journal.enabled=true", "slotwise.write-buffer.journal.directory=" + directory);
		journaled.run((context) -> {
			assertThat(context).hasSingleBean(WriteBufferJournal.class);
			assertThat(context.getBean(WriteBufferJournal.class).file())
				.isEqualTo(directory.toRealPath().resolve(WriteBufferJournal.FILE_NAME));
			journaled.run((second) -> {
				assertThat(second).as("a second instance on the same directory").hasFailed();
				assertThat(second.getStartupFailure()).rootCause()
					.hasMessageContaining(directory.toRealPath().toString())
					.hasMessageContaining("slotwise.write-buffer.journal.directory");
			});
		});
		journaled.run((context) -> assertThat(context).as("the first context released the journal")
			.hasSingleBean(WriteBufferJournal.class));
		journaled.withPropertyValues("slotwise.write-buffer.journal.fsync-interval=0ms").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("slotwise.write-buffer.journal.fsync-interval");
		});
	}

	@Test
	void metersReadTheCacheTheWriteBufferAndTheFailingSlots() {
		this.runner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				ClusterKeys keys = context.getBean(ClusterKeys.class);
				SlotHealth slotHealth = context.getBean(SlotHealth.class);
				// Marked failing, these slots are answered without touching the network.
				slotHealth.markFailing(keys.slot("direct:{m}"));
				slotHealth.markFailing(keys.slot("later::{m}"));
				assertThat(context.getBean(WriteBuffer.class).set("direct:{m}", "v", Duration.ZERO))
					.isEqualTo(WriteResult.BUFFERED);
				Cache later = context.getBean(CacheManager.class).getCache("later");
				assertThat(later.get("{m}")).isNull();
				assertThat(registry.get("slotwise.write-buffer.pending").gauge().value()).isEqualTo(1);
				assertThat(registry.get("slotwise.write-buffer.pending.bytes").gauge().value())
					.isEqualTo("direct:{m}".length() + 1);
				assertThat(registry.get("slotwise.write-buffer.buffered").functionCounter().count()).isEqualTo(1);
				assertThat(registry.get("slotwise.write-buffer.dropped")
					.tag("reason", "key-exists")
					.functionCounter()
					.count()).isZero();
				assertThat(registry.get("slotwise.cluster.slots.failing").gauge().value())
					.isEqualTo((keys.slot("direct:{m}") == keys.slot("later::{m}")) ? 1 : 2);
				assertThat(registry.get("slotwise.cache.gets")
					.tags("cache", "later", "result", "miss")
					.functionCounter()
					.count()).as("a cache created after binding is measured too").isEqualTo(1);
				assertThat(
						registry.get("slotwise.cache.degraded.reads").tag("cache", "later").functionCounter().count())
					.isEqualTo(1);
			});
		this.runner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SlotwiseCacheMetrics.class));
	}

	@Test
	void nearCacheMetersAreBoundForCachesThatKeepOne() {
		this.runner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("slotwise.cache.caches.products.near.enabled=true")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				ClusterKeys keys = context.getBean(ClusterKeys.class);
				// A failing slot: the read finds no copy, fails fast and degrades.
				context.getBean(SlotHealth.class).markFailing(keys.slot("products::{n}"));
				Cache products = context.getBean(CacheManager.class).getCache("products");
				Cache plain = context.getBean(CacheManager.class).getCache("plain");
				assertThat(products.get("{n}")).isNull();
				assertThat(plain).isNotNull();
				assertThat(
						registry.get("slotwise.cache.near.misses").tag("cache", "products").functionCounter().count())
					.isEqualTo(1);
				assertThat(registry.get("slotwise.cache.near.hits").tag("cache", "products").functionCounter().count())
					.isZero();
				assertThat(registry.get("slotwise.cache.near.memory").tag("cache", "products").gauge().value())
					.isZero();
				assertThat(registry.get("slotwise.cache.near.size").tag("cache", "products").gauge().value()).isZero();
				assertThat(registry.find("slotwise.cache.near.hits").tag("cache", "plain").meters())
					.as("a cache without a near cache has no near meters")
					.isEmpty();
				assertThat(registry.get("slotwise.cache.near.flushes").meters())
					.extracting((meter) -> meter.getId().getTag("cause"))
					.containsExactlyInAnyOrder("tracking-started", "reconnect", "heartbeat-lapsed", "owner-changed",
							"master-flushed");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Caching {

		@Bean
		String marker() {
			return "caching";
		}

	}

}
