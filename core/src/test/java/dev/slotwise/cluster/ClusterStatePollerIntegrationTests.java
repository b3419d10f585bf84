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

package dev.slotwise.cluster;

import java.time.Clock;
import java.time.Duration;

import dev.slotwise.key.ClusterKeys;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClusterStatePoller} marks a frozen master's slots failing from the cluster's own
 * view, before any call to them.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class ClusterStatePollerIntegrationTests {

	private final ClusterKeys keys = new ClusterKeys();

	@Test
	void aFrozenMastersSlotsAreMarkedFailingWithoutAnyCallToThem(LocalRedisCluster cluster) {
		LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
				new RedisClusterConfiguration(cluster.seedAddresses()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(300)).build());
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		SlotHealth slotHealth = new SlotHealth(Duration.ofSeconds(1), Clock.systemUTC());
		ClusterStatePoller poller = new ClusterStatePoller(connectionFactory, slotHealth, Duration.ofMillis(100));
		try {
			assertThat(poller.poll()).isZero();
			poller.start();
			ClusterNode frozen = cluster.masterForKey("user:{1}");
			ClusterNode other = cluster.masters().stream().filter((m) -> !m.equals(frozen)).findFirst().orElseThrow();
			int otherSlot = slotOf(cluster, other);
			cluster.pause(frozen);
			await().atMost(Duration.ofSeconds(10)).until(() -> slotHealth.isFailing(this.keys.slot("user:{1}")));
			assertThat(slotHealth.isFailing(otherSlot)).isFalse();
		}
		finally {
			poller.stop();
			connectionFactory.destroy();
		}
	}

	private int slotOf(LocalRedisCluster cluster, ClusterNode master) {
		for (int i = 0;; i++) {
			if (cluster.masterForKey("k" + i).equals(master)) {
				return this.keys.slot("k" + i);
			}
		}
	}

}
