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
import java.util.List;
import java.util.Map;

import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.slotwise.autoconfigure.cluster.ClusterConnectionIntegrationTests.oneKeyPerMaster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A manual failover and a SIGKILL of a master on a cluster configured as Slotwise
 * recommends ({@code cluster-require-full-coverage no}): the slots come back on the
 * replica without restarting the application, and the other masters' slots never fail.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, config = "cluster-require-full-coverage no")
class MasterKillIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				ClusterKeysAutoConfiguration.class, DataRedisAutoConfiguration.class));

	@Test
	void manualFailoverRoutesCommandsToTheNewMasterWithoutAFailedCommand(LocalRedisCluster cluster) {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			Map<ClusterNode, String> keys = oneKeyPerMaster(cluster);
			try (Workload workload = new Workload(redis, List.copyOf(keys.values()))) {
				await().until(() -> keys.values().stream().allMatch((key) -> workload.successes(key) > 10));
				ClusterNode master = keys.keySet().iterator().next();
				String key = keys.get(master);
				ClusterNode promoted = cluster.failover(master);
				long afterFailover = workload.successes(key);
				await().atMost(Duration.ofSeconds(10)).until(() -> workload.successes(key) > afterFailover + 10);
				assertThat(cluster.masterForKey(key)).isEqualTo(promoted);
				keys.values().forEach((each) -> assertThat(workload.failures(each)).as(each).isEmpty());
			}
		});
	}

	@Test
	void killedMastersSlotsAreWritableAgainWhileOtherMastersNeverFail(LocalRedisCluster cluster) {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			Map<ClusterNode, String> keys = oneKeyPerMaster(cluster);
			try (Workload workload = new Workload(redis, List.copyOf(keys.values()))) {
				await().until(() -> keys.values().stream().allMatch((key) -> workload.successes(key) > 10));
				ClusterNode victim = keys.keySet().iterator().next();
				String victimKey = keys.get(victim);
				cluster.kill(victim);
				workload.mark();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> workload.sinceMarkToFirstSuccess(victimKey).isPresent());
				Duration failover = workload.sinceMarkToFirstSuccess(victimKey).orElseThrow();
				System.out.println("[slotwise-measure] SIGKILL of a master to first successful write to its slot: "
						+ failover.toMillis() + " ms (cluster-node-timeout 1000 ms, command timeout 2 s)");
				assertThat(failover).isLessThan(Duration.ofSeconds(15));
				keys.forEach((master, key) -> {
					if (!master.equals(victim)) {
						assertThat(workload.failures(key)).as("writes to %s on %s", key, master).isEmpty();
					}
				});
			}
		});
	}

}
