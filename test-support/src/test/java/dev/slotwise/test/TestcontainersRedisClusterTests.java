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

package dev.slotwise.test;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TestcontainersRedisCluster} behind the same interface as
 * {@link LocalRedisCluster}. Skipped, with the reason in the test report, where no Docker
 * engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersRedisClusterTests {

	@Test
	void formsAClusterThatFailsOverAndMapsContainerAddresses() {
		try (RedisCluster cluster = TestcontainersRedisCluster.start()) {
			assertThat(cluster.masters()).hasSize(3);
			assertThat(cluster.springProperties()).containsKeys("spring.data.redis.cluster.nodes",
					"slotwise.cluster.address-map");
			ClusterNode master = cluster.masterForSlot(0);
			ClusterNode replica = cluster.replicasOf(master).get(0);
			cluster.kill(master);
			cluster.awaitHealthy();
			assertThat(cluster.masterForSlot(0)).isEqualTo(replica);
			cluster.restart(master);
			cluster.awaitHealthy();
			assertThat(cluster.replicasOf(replica)).containsExactly(master);
		}
	}

}
