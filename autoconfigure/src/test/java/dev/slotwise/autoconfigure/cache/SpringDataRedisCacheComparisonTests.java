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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The two promises of DESIGN.md principle 6 side by side with Spring Data Redis's own
 * {@link RedisCacheManager} on the same cluster and connection: every put is read back,
 * and ten concurrent {@code get(key, loader)} callers run the loader once. Slotwise's
 * figures are asserted; Spring Data's are measured and printed for the docs.
 */
@SpringBootTest(classes = SpringDataRedisCacheComparisonTests.App.class)
@LocalRedisClusterTest
class SpringDataRedisCacheComparisonTests {

	@Autowired
	private ClusterCacheManager slotwise;

	@Autowired
	private RedisConnectionFactory connectionFactory;

	@Test
	void slotwiseReadsEveryPutBackAndLoadsOnce() throws InterruptedException {
		RedisCacheManager springData = RedisCacheManager.builder(this.connectionFactory)
			.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().entryTtl(Duration.ofMinutes(5)))
			.build();
		springData.afterPropertiesSet();
		int slotwiseStale = staleReads(this.slotwise.getCache("compare-slotwise"));
		int springDataStale = staleReads(springData.getCache("compare-spring-data"));
		int slotwiseLoads = loads(this.slotwise.getCache("compare-slotwise"));
		int springDataLoads = loads(springData.getCache("compare-spring-data"));
		System.out.println("[slotwise-measure] 1000 put-then-get pairs, stale reads: Slotwise " + slotwiseStale
				+ ", Spring Data RedisCache " + springDataStale
				+ "; 10 concurrent get(key, loader), loader runs: Slotwise " + slotwiseLoads
				+ ", Spring Data RedisCache " + springDataLoads);
		assertThat(slotwiseStale).isZero();
		assertThat(slotwiseLoads).isOne();
	}

	private static int staleReads(Cache cache) {
		int stale = 0;
		for (int i = 0; i < 1000; i++) {
			String key = "k" + (i % 100);
			cache.put(key, "v" + i);
			Cache.ValueWrapper read = cache.get(key);
			if (read == null || !("v" + i).equals(read.get())) {
				stale++;
			}
		}
		return stale;
	}

	/**
	 * Ten callers ask for one missing key together; the loader holds until every caller
	 * is parked (waiting in the loader or for the first load, or blocked on a lock).
	 */
	private static int loads(Cache cache) throws InterruptedException {
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			callers.add(new Thread(() -> cache.get("report", () -> {
				loads.incrementAndGet();
				release.await();
				return "expensive";
			})));
		}
		callers.forEach(Thread::start);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> callers.stream()
				.allMatch((thread) -> thread.getState() == Thread.State.WAITING
						|| thread.getState() == Thread.State.BLOCKED || !thread.isAlive()));
		release.countDown();
		for (Thread caller : callers) {
			caller.join(10_000);
		}
		return loads.get();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
