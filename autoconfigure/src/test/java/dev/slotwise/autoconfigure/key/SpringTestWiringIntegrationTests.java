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

package dev.slotwise.autoconfigure.key;

import java.util.List;

import dev.slotwise.key.ClusterKeys;
import dev.slotwise.key.CrossSlotException;
import dev.slotwise.key.SameSlotScriptExecutor;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application configured by properties alone, pointed at the cluster by
 * {@link LocalRedisClusterTest}'s Spring test wiring.
 */
@SpringBootTest(classes = SpringTestWiringIntegrationTests.App.class)
@LocalRedisClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringTestWiringIntegrationTests {

	private static final RedisScript<Long> COPY = RedisScript
		.of("redis.call('SET', KEYS[2], redis.call('GET', KEYS[1])); return 1", Long.class);

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private ClusterKeys keys;

	@Autowired
	private Environment environment;

	@Test
	@Order(1)
	void pointsBootAtTheClusterAndReadsAndWritesInEverySlotRange(LocalRedisCluster cluster) {
		assertThat(this.environment.getProperty("spring.data.redis.cluster.nodes")).isEqualTo(cluster.nodesProperty());
		for (int slot = 0; slot < ClusterKeys.SLOT_COUNT; slot += 97) {
			this.redis.opsForValue().set(keyInSlot(slot), "slot-" + slot);
		}
		for (int slot = 0; slot < ClusterKeys.SLOT_COUNT; slot += 97) {
			assertThat(this.redis.opsForValue().get(keyInSlot(slot))).isEqualTo("slot-" + slot);
		}
		for (ClusterNode master : cluster.masters()) {
			Long stored = cluster.call(master, (commands) -> commands.dbsize());
			assertThat(stored).as("keys on %s", master).isGreaterThan(0);
		}
	}

	@Test
	@Order(2)
	void everyTestStartsWithAnEmptyCluster(LocalRedisCluster cluster) {
		for (ClusterNode master : cluster.masters()) {
			Long stored = cluster.call(master, (commands) -> commands.dbsize());
			assertThat(stored).isZero();
		}
		this.redis.opsForValue().set("left-behind", "x");
	}

	@Test
	@Order(3)
	void scriptsWhoseKeysSpanSlotsFailBeforeAnythingIsSent() {
		// A template of its own: the context, and its template, are shared with other
		// tests.
		StringRedisTemplate redis = new StringRedisTemplate(this.redis.getRequiredConnectionFactory());
		redis.setScriptExecutor(new SameSlotScriptExecutor<>(redis, this.keys));
		String from = this.keys.tagged("user", "1", "a");
		String sameSlot = this.keys.tagged("user", "1", "b");
		String otherSlot = this.keys.tagged("user", "2", "b");
		redis.opsForValue().set(from, "value");
		assertThat(redis.execute(COPY, List.of(from, sameSlot))).isEqualTo(1L);
		assertThat(redis.opsForValue().get(sameSlot)).isEqualTo("value");
		assertThatExceptionOfType(CrossSlotException.class)
			.isThrownBy(() -> redis.execute(COPY, List.of(from, otherSlot)))
			.withMessageContaining("'" + otherSlot + "' -> slot " + this.keys.slot("2"));
		assertThat(redis.hasKey(otherSlot)).isFalse();
	}

	private String keyInSlot(int slot) {
		for (int i = 0;; i++) {
			String key = "k" + i;
			if (this.keys.slot(key) == slot) {
				return key;
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
