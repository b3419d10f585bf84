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

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.key.CacheTag;
import dev.slotwise.key.HashTagKeyGenerator;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code @Cacheable} with the {@link HashTagKeyGenerator} bean, against a real cluster:
 * every entry of one tag lands in one slot on one master, and one call evicts exactly
 * them.
 */
@SpringBootTest(classes = HashTagCacheIntegrationTests.App.class,
		properties = { "slotwise.cache.caches.orders.ttl=5m", "slotwise.cache.allow-runtime-caches=false" })
@LocalRedisClusterTest
class HashTagCacheIntegrationTests {

	@Autowired
	private OrderHistory history;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private ClusterCacheManager cacheManager;

	@Test
	void entriesCachedThroughTheKeyGeneratorForOneTagLandInOneSlot(LocalRedisCluster cluster) {
		int loads = this.history.loads();
		for (String status : List.of("open", "shipped", "returned")) {
			this.history.orders(42, status);
			this.history.orders(42, status);
		}
		this.history.ordersInMonth("2026-11", 42, "open");
		this.history.count(42);
		assertThat(this.history.loads()).as("each loaded once, then read from Redis").isEqualTo(loads + 5);
		Set<String> keys = this.redis.keys("orders::{42}*");
		assertThat(keys).containsExactlyInAnyOrder("orders::{42}:open", "orders::{42}:shipped", "orders::{42}:returned",
				"orders::{42}:SimpleKey [2026-11, open]", "orders::{42}");
		ClusterNode master = cluster.masterForKey("orders::{42}");
		Set<Long> slots = new HashSet<>();
		for (String key : keys) {
			slots.add(cluster.call(master, (commands) -> commands.clusterKeyslot(key)));
			assertThat(cluster.masterForKey(key)).isEqualTo(master);
		}
		assertThat(slots).as("CLUSTER KEYSLOT of %s", keys).hasSize(1);
		int slot = slots.iterator().next().intValue();
		Long inSlot = cluster.call(master, (commands) -> commands.clusterCountKeysInSlot(slot));
		assertThat(inSlot).isEqualTo(5);
	}

	@Test
	void aTagEvictionRemovesExactlyTheEntriesTheKeyGeneratorMadeForTheTag() {
		for (int user : List.of(42, 43)) {
			this.history.orders(user, "open");
			this.history.orders(user, "shipped");
			this.history.ordersInMonth("2026-11", user, "open");
			this.history.count(user);
		}
		this.redis.opsForValue().set("orders::42", "not under the tag");
		int loads = this.history.loads();
		this.cacheManager.evictTag("orders", 42);
		assertThat(this.redis.keys("orders::*")).containsExactlyInAnyOrder("orders::{43}:open", "orders::{43}:shipped",
				"orders::{43}:SimpleKey [2026-11, open]", "orders::{43}", "orders::42");
		this.history.orders(42, "open");
		this.history.orders(43, "open");
		assertThat(this.history.loads()).as("user 42 loads again, user 43 does not").isEqualTo(loads + 1);
	}

	@Test
	void aTagEvictionFromAnUnknownCacheNamesTheKnownOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.cacheManager.evictTag("order", 42))
			.withMessageContaining("cache 'order'")
			.withMessageContaining("slotwise.cache.caches.order")
			.withMessageContaining("orders");
	}

	@Test
	void aNullTagFailsTheCallNamingTheMethodAndTheParameter() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.history.ordersInMonth("2026-11", null, "open"))
			.withMessageContaining("OrderHistory.ordersInMonth(String, Integer, String)")
			.withMessageContaining("parameter 'userId' (marked @CacheTag)")
			.withMessageContaining("is null");
	}

	static class OrderHistory {

		private final AtomicInteger loads = new AtomicInteger();

		int loads() {
			return this.loads.get();
		}

		@Cacheable(cacheNames = "orders", keyGenerator = HashTagKeyGenerator.BEAN_NAME)
		public String orders(int userId, String status) {
			this.loads.incrementAndGet();
			return status + " orders of " + userId;
		}

		@Cacheable(cacheNames = "orders", keyGenerator = HashTagKeyGenerator.BEAN_NAME)
		public String ordersInMonth(String month, @CacheTag Integer userId, String status) {
			this.loads.incrementAndGet();
			return status + " orders of " + userId + " in " + month;
		}

		@Cacheable(cacheNames = "orders", keyGenerator = HashTagKeyGenerator.BEAN_NAME)
		public int count(int userId) {
			this.loads.incrementAndGet();
			return 3;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class App {

		@Bean
		OrderHistory orderHistory() {
			return new OrderHistory();
		}

	}

}
