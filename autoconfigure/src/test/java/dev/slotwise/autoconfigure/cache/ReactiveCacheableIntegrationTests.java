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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} on methods returning
 * {@code Mono}, {@code Flux} and {@code CompletableFuture}, which Spring sends through
 * {@code Cache.retrieve}: the contract blocking callers get holds (stored in Redis with
 * the cache's TTL, read your writes, load once under concurrency with
 * {@code sync = true}, a failed load is not cached), against a real cluster.
 */
@SpringBootTest(classes = ReactiveCacheableIntegrationTests.App.class,
		properties = "slotwise.cache.caches.reactive.ttl=90s")
@LocalRedisClusterTest
class ReactiveCacheableIntegrationTests {

	@Autowired
	private Catalogue catalogue;

	@Autowired
	private StringRedisTemplate redis;

	@BeforeEach
	void reset() {
		this.catalogue.reset();
	}

	@Test
	void aMonoIsCachedInRedisWithItsTtlAndPutAndEvictAreReadBackAtOnce() {
		assertThat(this.catalogue.mono("m1").block()).isEqualTo("m1 #1");
		assertThat(this.catalogue.mono("m1").block()).isEqualTo("m1 #1");
		assertThat(this.catalogue.loads()).isEqualTo(1);
		assertThat(this.redis.hasKey("reactive::m1")).isTrue();
		assertThat(this.redis.getExpire("reactive::m1")).isBetween(85L, 90L);
		assertThat(this.catalogue.rename("m1", "renamed").block()).isEqualTo("renamed");
		assertThat(this.catalogue.mono("m1").block()).as("read your put").isEqualTo("renamed");
		this.catalogue.remove("m1").block();
		assertThat(this.redis.hasKey("reactive::m1")).isFalse();
		assertThat(this.catalogue.mono("m1").block()).as("read your evict").isEqualTo("m1 #2");
	}

	@Test
	void aFluxIsCachedAsItsElementsAndACompletableFutureAsItsValue() {
		assertThat(this.catalogue.flux("f1").collectList().block()).containsExactly("f1-a", "f1-b");
		assertThat(this.catalogue.flux("f1").collectList().block()).containsExactly("f1-a", "f1-b");
		String future = this.catalogue.future("c1").join();
		assertThat(future).isEqualTo("c1 #2");
		assertThat(this.catalogue.future("c1").join()).isEqualTo(future);
		assertThat(this.catalogue.loads()).as("one load each").isEqualTo(2);
		assertThat(this.redis.hasKey("reactive::f1")).isTrue();
		assertThat(this.redis.hasKey("reactive::c1")).isTrue();
	}

	@Test
	void concurrentSubscribersOfASyncMonoLoadOnce() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.catalogue.gate(release);
		List<CompletableFuture<String>> callers = IntStream.range(0, 20)
			.mapToObj((i) -> this.catalogue.synced("s1").subscribeOn(Schedulers.parallel()).toFuture())
			.toList();
		release.countDown();
		assertThat(callers.stream().map(CompletableFuture::join)).containsOnly("s1 #1");
		assertThat(this.catalogue.loads()).isEqualTo(1);
		assertThat(this.catalogue.synced("s1").block()).isEqualTo("s1 #1");
		assertThat(this.redis.hasKey("reactive::s1")).isTrue();
	}

	@Test
	void aFailedLoadReachesTheCallerAndIsNotCached() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.catalogue.failing("e1").block())
			.withMessage("no e1");
		assertThat(this.redis.hasKey("reactive::e1")).isFalse();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.catalogue.failing("e1").block());
		assertThat(this.catalogue.loads()).as("tried again, not served a cached failure").isEqualTo(2);
	}

	static class Catalogue {

		private final AtomicInteger loads = new AtomicInteger();

		private volatile CountDownLatch gate = new CountDownLatch(0);

		int loads() {
			return this.loads.get();
		}

		void reset() {
			this.loads.set(0);
		}

		void gate(CountDownLatch gate) {
			this.gate = gate;
		}

		@Cacheable("reactive")
		public Mono<String> mono(String id) {
			return Mono.fromSupplier(() -> id + " #" + this.loads.incrementAndGet());
		}

		@CachePut(cacheNames = "reactive", key = "#id")
		public Mono<String> rename(String id, String name) {
			return Mono.just(name);
		}

		@CacheEvict("reactive")
		public Mono<Void> remove(String id) {
			return Mono.empty();
		}

		@Cacheable("reactive")
		public Flux<String> flux(String id) {
			return Flux.defer(() -> {
				this.loads.incrementAndGet();
				return Flux.just(id + "-a", id + "-b");
			});
		}

		@Cacheable("reactive")
		public CompletableFuture<String> future(String id) {
			return CompletableFuture.supplyAsync(() -> id + " #" + this.loads.incrementAndGet());
		}

		@Cacheable(cacheNames = "reactive", sync = true)
		public Mono<String> synced(String id) {
			return Mono.fromCallable(() -> {
				this.gate.await();
				return id + " #" + this.loads.incrementAndGet();
			}).subscribeOn(Schedulers.boundedElastic());
		}

		@Cacheable("reactive")
		public Mono<String> failing(String id) {
			return Mono.fromSupplier(() -> {
				this.loads.incrementAndGet();
				throw new IllegalStateException("no " + id);
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class App {

		@Bean
		Catalogue catalogue() {
			return new Catalogue();
		}

	}

}
