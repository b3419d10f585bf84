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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.autoconfigure.buffer.WriteBufferAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteResult;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outages the cache and the write buffer must ride through, on a real cluster, driven
 * through {@code @Cacheable} the way an application uses them: the whole cluster down,
 * and a restart during an outage with a second instance writing meanwhile.
 * <p>
 * The cluster keeps an append-only file so that masters killed and restarted come back
 * with their data: what is checked is Slotwise's guarantees, not Redis's durability.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS,
		config = { "cluster-require-full-coverage no", "appendonly yes", "appendfsync always" })
class OutageDrillIntegrationTests {

	private static final int THREADS = 4;

	private static final int IDS = 120;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				FailureDetectionAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
				DataRedisAutoConfiguration.class, WriteBufferAutoConfiguration.class,
				ClusterCacheAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(App.class)
		.withPropertyValues("slotwise.cluster.command-timeout=300ms", "slotwise.cache.default-ttl=10m",
				"slotwise.write-buffer.drain-timeout=200ms",
				// Every direct write below is a new key: room for all of them (overflow
				// has its own tests).
				"slotwise.write-buffer.max-entries=1000000", "slotwise.write-buffer.max-size=1GB");

	@Test
	void wholeClusterDownNothingReachesTheCallerAndEverythingAcknowledgedIsReplayed(LocalRedisCluster cluster) {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty()).run((context) -> {
			Catalogue catalogue = context.getBean(Catalogue.class);
			WriteBuffer buffer = context.getBean(WriteBuffer.class);
			Map<String, Optional<String>> expectedCache = new ConcurrentHashMap<>();
			Map<String, String> expectedDirect = new ConcurrentHashMap<>();
			List<Throwable> errors = new CopyOnWriteArrayList<>();
			AtomicInteger operations = new AtomicInteger();
			AtomicBoolean running = new AtomicBoolean(true);
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int lane = t;
				Thread thread = new Thread(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					int n = 0;
					while (running.get()) {
						// Each id belongs to one thread, so its last acknowledged state
						// is known.
						String id = "{" + (lane + THREADS * random.nextInt(IDS / THREADS)) + "}";
						try {
							switch (random.nextInt(4)) {
								case 0 -> expectedCache.put(id, Optional.of(catalogue.product(id)));
								case 1 -> expectedCache.put(id, Optional.of(catalogue.rename(id, id + " v" + n)));
								case 2 -> {
									catalogue.remove(id);
									expectedCache.put(id, Optional.empty());
								}
								default -> {
									// A new key each time: a plain put replayed over an
									// existing
									// key is not applied (SET NX), and is reported as
									// such.
									String key = "direct:" + id + ":" + n;
									String value = "v" + n;
									WriteResult result = buffer.set(key, value, Duration.ofMinutes(10));
									if (result.acknowledged()) {
										expectedDirect.put(key, value);
									}
									else {
										errors.add(new AssertionError("rejected " + key + ": " + result));
									}
								}
							}
							operations.incrementAndGet();
							n++;
						}
						catch (Throwable ex) {
							errors.add(ex);
						}
					}
				}, "drill-" + t);
				thread.start();
				threads.add(thread);
			}
			await().until(() -> operations.get() > 2_000);
			List<ClusterNode> victims = cluster.masters().subList(0, 2);
			victims.forEach(cluster::kill);
			int atKill = operations.get();
			await().atMost(Duration.ofSeconds(20)).until(() -> buffer.pending() > 50);
			await().until(() -> operations.get() > atKill + 2_000);
			victims.forEach(cluster::restart);
			cluster.awaitHealthy();
			int atRestart = operations.get();
			await().atMost(Duration.ofSeconds(30)).until(() -> operations.get() > atRestart + 2_000);
			running.set(false);
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(errors).as("errors that reached a caller").isEmpty();
			await().atMost(Duration.ofSeconds(30)).until(() -> buffer.pending() == 0);
			assertThat(buffer.dropped().values()).as("dropped").allMatch((count) -> count == 0);
			assertThat(buffer.superseded()).as("no other writer: nothing superseded").isZero();
			Cache products = context.getBean(CacheManager.class).getCache("products");
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			// A read may be degraded if the loaded machine pauses a master past the stall
			// floor while it is checked; such a read says nothing about Redis, and the
			// next one, once the master answers, does.
			expectedCache.forEach((id, expected) -> await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(Optional.ofNullable(products.get(id)).map((wrapper) -> (String) wrapper.get()))
							.as(id)
							.isEqualTo(expected)));
			expectedDirect.forEach((key, value) -> assertThat(redis.opsForValue().get(key)).as(key).isEqualTo(value));
			System.out.println("[slotwise-measure] whole cluster down (2 of 3 masters SIGKILLed, restarted): "
					+ operations.get() + " operations by " + THREADS + " threads, " + errors.size()
					+ " caller-visible errors, " + buffer.bufferedTotal() + " writes buffered, " + buffer.replayed()
					+ " replayed, " + buffer.dropped() + " dropped; " + expectedCache.size() + " cache keys and "
					+ expectedDirect.size() + " direct keys checked in Redis");
		});
	}

	@Test
	void writesJournaledAcrossARestartArriveWithoutOverwritingAnotherInstancesNewerValue(LocalRedisCluster cluster,
			@TempDir Path journalOfA, @TempDir Path journalOfB) {
		String nodes = "spring.data.redis.cluster.nodes=" + cluster.nodesProperty();
		ApplicationContextRunner instanceA = this.runner.withPropertyValues(nodes,
				"slotwise.write-buffer.journal.enabled=true", "slotwise.write-buffer.journal.directory=" + journalOfA);
		ApplicationContextRunner instanceB = this.runner.withPropertyValues(nodes,
				"slotwise.write-buffer.journal.enabled=true", "slotwise.write-buffer.journal.directory=" + journalOfB);
		String tag = "{restart}";
		ClusterNode victim = cluster.masterForKey("products::" + tag);
		instanceA.run((context) -> {
			Catalogue catalogue = context.getBean(Catalogue.class);
			catalogue.rename(tag + ":old", "before the outage");
			cluster.kill(victim);
			catalogue.rename(tag + ":new", "A during the outage");
			catalogue.rename(tag + ":contested", "A during the outage");
			catalogue.remove(tag + ":old");
			WriteBuffer buffer = context.getBean(WriteBuffer.class);
			assertThat(buffer.set("direct:" + tag, "A during the outage", Duration.ofMinutes(1)))
				.isEqualTo(WriteResult.BUFFERED);
			assertThat(buffer.pending()).isEqualTo(4);
			assertThat(catalogue.product(tag + ":contested")).as("read your writes while buffered")
				.isEqualTo("A during the outage");
		});
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> !cluster.masterForKey("products::" + tag).equals(victim));
		instanceB.run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			assertThat(redis.hasKey("products::" + tag + ":new")).as("A stopped before delivering").isFalse();
			context.getBean(Catalogue.class).rename(tag + ":contested", "B after the outage");
			WriteBuffer buffer = context.getBean(WriteBuffer.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> buffer.pending() == 0);
			assertThat(redis.hasKey("products::" + tag + ":contested")).isTrue();
		});
		instanceA.run((context) -> {
			WriteBuffer buffer = context.getBean(WriteBuffer.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> buffer.pending() == 0);
			ClusterCache products = (ClusterCache) context.getBean(CacheManager.class).getCache("products");
			assertThat(products.get(tag + ":new")).extracting(Cache.ValueWrapper::get).isEqualTo("A during the outage");
			assertThat(products.get(tag + ":contested")).as("the newer value of instance B")
				.extracting(Cache.ValueWrapper::get)
				.isEqualTo("B after the outage");
			assertThat(products.get(tag + ":old")).as("evicted during the outage").isNull();
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			assertThat(redis.opsForValue().get("direct:" + tag)).isEqualTo("A during the outage");
			assertThat(redis.getExpire("direct:" + tag)).isBetween(1L, 60L);
		});
	}

	static class Catalogue {

		private final AtomicInteger loads = new AtomicInteger();

		@Cacheable("products")
		public String product(String id) {
			return "product " + id + " #" + this.loads.incrementAndGet();
		}

		@CachePut(cacheNames = "products", key = "#id")
		public String rename(String id, String name) {
			return name;
		}

		@CacheEvict("products")
		public void remove(String id) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class App {

		@Bean
		Catalogue catalogue() {
			return new Catalogue();
		}

	}

}
