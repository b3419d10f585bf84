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

package dev.slotwise.autoconfigure.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The tuned connection against a real 3+3 cluster while a test fails a master over, kills
 * it or freezes it.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
// Tests that kill or freeze nodes run after the one that needs a settled cluster.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterConnectionIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				ClusterKeysAutoConfiguration.class, DataRedisAutoConfiguration.class));

	private ApplicationContextRunner connectedTo(LocalRedisCluster cluster, String... properties) {
		List<String> values = new ArrayList<>();
		cluster.springProperties().forEach((name, value) -> values.add(name + "=" + value));
		values.addAll(List.of(properties));
		return this.runner.withPropertyValues(values.toArray(String[]::new));
	}

	@Test
	@Order(4)
	void withFullCoverageRequiredEveryMasterAnswersClusterdownUntilTheReplicaTakesOver(LocalRedisCluster cluster) {
		// Redis's default cluster-require-full-coverage=yes: between the FAIL flag and
		// the
		// election every master refuses commands. Slotwise's write buffer exists for
		// this.
		connectedTo(cluster).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			Map<ClusterNode, String> keys = oneKeyPerMaster(cluster);
			try (Workload workload = new Workload(redis, List.copyOf(keys.values()))) {
				await().until(() -> keys.values().stream().allMatch((key) -> workload.successes(key) > 10));
				ClusterNode victim = keys.keySet().iterator().next();
				cluster.kill(victim);
				workload.mark();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> workload.sinceMarkToFirstSuccess(keys.get(victim)).isPresent());
				keys.forEach((master, key) -> {
					if (!master.equals(victim)) {
						assertThat(workload.failures(key)).as("writes to %s on %s", key, master)
							.isNotEmpty()
							.allSatisfy((failure) -> assertThat(failure).contains("CLUSTERDOWN"));
						System.out.println("[slotwise-measure] full coverage required: " + workload.failures(key).size()
								+ " CLUSTERDOWN answers to writes on healthy " + master + ", longest call "
								+ workload.longestCall(key).toMillis() + " ms");
					}
				});
			}
		});
	}

	@Test
	@Order(2)
	void commandsToAPausedMasterFailWithinTheCommandTimeoutInsteadOfHanging(LocalRedisCluster cluster) {
		connectedTo(cluster, "slotwise.cluster.command-timeout=500ms").run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			Map<ClusterNode, String> keys = oneKeyPerMaster(cluster);
			keys.values().forEach((key) -> redis.opsForValue().set(key, "before"));
			ClusterNode frozen = keys.keySet().iterator().next();
			cluster.pause(frozen);
			long start = System.nanoTime();
			assertThatExceptionOfType(QueryTimeoutException.class)
				.isThrownBy(() -> redis.opsForValue().set(keys.get(frozen), "during"));
			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			// Far below the 60 s Lettuce would wait; the upper bound leaves room for a
			// loaded 2-core machine.
			assertThat(waited).isBetween(Duration.ofMillis(400), Duration.ofMillis(2500));
			keys.forEach((master, key) -> {
				if (!master.equals(frozen)) {
					redis.opsForValue().set(key, "during");
					assertThat(redis.opsForValue().get(key)).isEqualTo("during");
				}
			});
		});
	}

	@Test
	@Order(3)
	void withBootsDefaultsACommandToAPausedMasterWaitsFarLonger(LocalRedisCluster cluster) {
		connectedTo(cluster, "slotwise.cluster.enabled=false", "spring.data.redis.timeout=5s").run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String key = oneKeyPerMaster(cluster).values().iterator().next();
			redis.opsForValue().set(key, "before");
			cluster.pause(cluster.masterForKey(key));
			long start = System.nanoTime();
			assertThatExceptionOfType(QueryTimeoutException.class).isThrownBy(() -> redis.opsForValue().set(key, "x"));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(4500));
		});
	}

	static Map<ClusterNode, String> oneKeyPerMaster(LocalRedisCluster cluster) {
		Map<ClusterNode, String> keys = new LinkedHashMap<>();
		List<ClusterNode> masters = cluster.masters();
		for (int i = 0; keys.size() < masters.size(); i++) {
			String key = "key:" + i;
			keys.putIfAbsent(cluster.masterForKey(key), key);
		}
		return keys;
	}

}
