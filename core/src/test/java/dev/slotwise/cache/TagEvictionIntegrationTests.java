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
import java.util.List;
import java.util.Set;

import dev.slotwise.key.TaggedKey;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClusterCache#evictTag} against a real 3+3 cluster: exactly the tag's entries go,
 * on the tag's master alone, and through a master kill the eviction is buffered and
 * replayed before the puts that follow it. The node timeout is 5 s, so that a killed
 * master's replica takes over only once the test has acted during the outage.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, nodeTimeoutMillis = 5000)
class TagEvictionIntegrationTests {

	private CacheFixture fixture;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		this.fixture = new CacheFixture(cluster);
	}

	@AfterEach
	void disconnect() {
		this.fixture.close();
	}

	private ClusterCache cache(String name) {
		return this.fixture.cache(name,
				new ClusterCacheSettings(Duration.ofMinutes(10), true, "", RedisSerializer.java(), 1000));
	}

	private static TaggedKey key(Object tag, Object rest) {
		return new TaggedKey(String.valueOf(tag), rest);
	}

	@Test
	void aTagEvictionRemovesExactlyTheTagsEntriesOnTheTagsMasterAlone(LocalRedisCluster cluster) {
		ClusterCache orders = cache("orders");
		ClusterCache invoices = cache("invoices");
		String neighbour = neighbourOf("42");
		for (String status : List.of("open", "shipped", "returned")) {
			orders.put(key(42, status), "order " + status);
		}
		orders.put(key(42, SimpleKey.EMPTY), "all orders");
		orders.put(key(42, new SimpleKey(2026, "open")), "open in 2026");
		orders.put(key(420, "open"), "another user");
		orders.put(key(neighbour, "open"), "another tag in the same slot");
		orders.put("42", "an untagged key");
		invoices.put(key(42, "open"), "another cache");
		Set<String> before = this.fixture.redis.keys("*");
		assertThat(before).hasSize(9);
		ClusterNode master = cluster.masterForKey("orders::{42}");
		cluster.masters().forEach((node) -> cluster.call(node, (commands) -> commands.configResetstat()));
		orders.evictTag(42);
		for (ClusterNode node : cluster.masters()) {
			String stats = cluster.call(node, (commands) -> commands.info("commandstats"));
			if (node.equals(master)) {
				assertThat(stats).as("the tag's master").contains("cmdstat_cluster|getkeysinslot:calls=1,");
			}
			else {
				assertThat(stats).as("another master").doesNotContain("getkeysinslot").doesNotContain("cmdstat_eval");
			}
			assertThat(stats).as("nothing scanned").doesNotContain("cmdstat_scan").doesNotContain("cmdstat_keys");
		}
		assertThat(this.fixture.redis.keys("*")).containsExactlyInAnyOrder("orders::{420}:open",
				"orders::{" + neighbour + "}:open", "orders::42", "invoices::{42}:open");
		assertThat(orders.get(key(42, "open"))).isNull();
		assertThat(orders.get(key(neighbour, "open")).get()).isEqualTo("another tag in the same slot");
		assertThat(this.fixture.writeBuffer.pending()).isZero();
		orders.evictTag(42);
		assertThat(this.fixture.redis.keys("*")).as("evicting an empty tag is harmless").hasSize(4);
	}

	@Test
	void aTagEvictionDuringAMasterKillIsBufferedAndReplayedBeforeLaterPutsAndNoStaleEntrySurvives(
			LocalRedisCluster cluster) {
		ClusterCache orders = cache("orders");
		List<String> statuses = List.of("open", "shipped", "returned", "cancelled");
		statuses.forEach((status) -> orders.put(key(42, status), "stale " + status));
		orders.put(key(43, "open"), "another user, elsewhere");
		int slot = this.fixture.keys.slot("42");
		ClusterNode victim = cluster.masterForSlot(slot);
		ClusterNode replica = cluster.replicasOf(victim).get(0);
		// The entries reach the replica, so that the failover keeps them: the eviction
		// has stale entries to remove.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> cluster.call(replica, (commands) -> commands.clusterCountKeysInSlot(slot)) == 4);
		assertThat(orders.get(key(42, "open")).get()).as("remembered for degraded reads").isEqualTo("stale open");
		cluster.kill(victim);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> orders.get(key(42, "open")) != null && this.fixture.slotHealth.isFailing(slot));
		orders.put(key(42, "shipped"), "buffered before the eviction");
		orders.evictTag(42);
		assertThat(this.fixture.writeBuffer.pending()).as("the eviction alone: it superseded the put").isEqualTo(1);
		for (String status : statuses) {
			assertThat(orders.get(key(42, status))).as("read your eviction: %s", status).isNull();
		}
		orders.put(key(42, "open"), "after the eviction");
		assertThat(orders.get(key(42, "open")).get()).as("read your later put").isEqualTo("after the eviction");
		assertThat(orders.get(key(42, "shipped"))).isNull();
		assertThat(this.fixture.writeBuffer.pending()).isEqualTo(2);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.fixture.writeBuffer.pending() == 0);
		assertThat(this.fixture.writeBuffer.dropped().values()).allMatch((count) -> count == 0);
		ClusterNode promoted = cluster.masterForSlot(slot);
		assertThat(promoted).isNotEqualTo(victim);
		List<String> survivors = cluster.call(promoted, (commands) -> commands.keys("orders::{42}*"));
		assertThat(survivors).as("no stale entry survives").containsExactly("orders::{42}:open");
		ClusterCache fresh = cache("orders");
		assertThat(fresh.get(key(42, "open")).get()).isEqualTo("after the eviction");
		for (String status : List.of("shipped", "returned", "cancelled")) {
			assertThat(fresh.get(key(42, status))).as(status).isNull();
		}
		assertThat(fresh.get(key(43, "open")).get()).isEqualTo("another user, elsewhere");
	}

	@Test
	void aBadTagOrACacheNameWithABraceIsAClearError() {
		ClusterCache orders = cache("orders");
		assertThatIllegalArgumentException().isThrownBy(() -> orders.evictTag(""))
			.withMessageContaining("Cache 'orders'")
			.withMessageContaining("is empty");
		assertThatIllegalArgumentException().isThrownBy(() -> orders.evictTag("a}b"))
			.withMessageContaining("'a}b' contains a brace");
		assertThatIllegalStateException().isThrownBy(() -> cache("team{a}").evictTag(42))
			.withMessageContaining("Cache 'team{a}'")
			.withMessageContaining("without '{' or '}'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.fixture.writeBuffer.deleteByPrefix("orders::42"))
			.withMessageContaining("'orders::42'")
			.withMessageContaining("no complete hash tag")
			.withMessageContaining("'orders::{42}'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.fixture.writeBuffer.deleteByPrefix("orders::{}42}"))
			.withMessageContaining("no complete hash tag");
	}

	/** Another tag whose slot is the given tag's. */
	private String neighbourOf(String tag) {
		int slot = this.fixture.keys.slot(tag);
		for (int i = 0;; i++) {
			String candidate = "n" + i;
			if (this.fixture.keys.slot(candidate) == slot) {
				return candidate;
			}
		}
	}

}
