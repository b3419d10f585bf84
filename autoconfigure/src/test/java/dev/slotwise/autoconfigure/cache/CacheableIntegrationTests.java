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

import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;

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

/**
 * {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} on Slotwise's cache
 * manager with nothing but properties, against a real cluster.
 */
@SpringBootTest(classes = CacheableIntegrationTests.App.class,
		properties = { "slotwise.cache.caches.products.ttl=90s", "slotwise.cache.default-ttl=5m" })
@LocalRedisClusterTest
class CacheableIntegrationTests {

	@Autowired
	private Catalogue catalogue;

	@Autowired
	private StringRedisTemplate redis;

	@Test
	void cachesInRedisWithThePerCacheTtlAndHonoursPutAndEvict() {
		assertThat(this.catalogue.product("{42}")).isEqualTo("product {42} #1");
		assertThat(this.catalogue.product("{42}")).isEqualTo("product {42} #1");
		assertThat(this.catalogue.loads()).isEqualTo(1);
		assertThat(this.redis.hasKey("products::{42}")).isTrue();
		assertThat(this.redis.getExpire("products::{42}")).isBetween(85L, 90L);
		this.catalogue.rename("{42}", "renamed");
		assertThat(this.catalogue.product("{42}")).isEqualTo("renamed");
		this.catalogue.remove("{42}");
		assertThat(this.redis.hasKey("products::{42}")).isFalse();
		assertThat(this.catalogue.product("{42}")).isEqualTo("product {42} #2");
	}

	@Test
	void cachesNotListedUseTheDefaultTtl() {
		this.catalogue.review("7");
		assertThat(this.redis.getExpire("reviews::7")).isBetween(295L, 300L);
	}

	static class Catalogue {

		private final AtomicInteger loads = new AtomicInteger();

		public int loads() {
			return this.loads.get();
		}

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

		@Cacheable("reviews")
		public String review(String id) {
			return "review " + id;
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
