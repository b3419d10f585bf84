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
import java.util.ArrayList;
import java.util.List;

import dev.slotwise.ClusterConnections;
import dev.slotwise.support.LettuceCommands;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClusterTopology} against a real 3+3 cluster: which slots share a master comes
 * from the client's routing and follows a failover, with no {@link ClusterMonitor}.
 */
@LocalRedisClusterTest
class ClusterTopologyIntegrationTests {

	private LettuceConnectionFactory connectionFactory;

	private ClusterTopology topology;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		this.connectionFactory = ClusterConnections.plain(cluster, Duration.ofMillis(500));
		this.topology = new ClusterTopology(this.connectionFactory);
		this.topology.afterPropertiesSet();
	}

	@AfterEach
	void disconnect() {
		this.topology.destroy();
		this.connectionFactory.destroy();
	}

	@Test
	void aFailureFailsFastItsMastersSlotsOnlyAndTheGroupingFollowsAFailover(LocalRedisCluster cluster) {
		ClusterNode master = cluster.masterForSlot(0);
		assertThat(this.topology.masterOf(0)).isEqualTo(master.id());
		List<Integer> peers = new ArrayList<>();
		this.topology.forEachPeer(0, peers::add);
		assertThat(peers).doesNotContain(0).hasSizeGreaterThan(SlotHash.SLOT_COUNT / 4);
		for (int i = 0; i < peers.size(); i += peers.size() / 20) {
			assertThat(cluster.masterForSlot(peers.get(i))).isEqualTo(master);
		}
		int elsewhere = peers.get(peers.size() - 1) + 1;
		assertThat(cluster.masterForSlot(elsewhere)).isNotEqualTo(master);
		SlotHealth health = new SlotHealth(Duration.ofSeconds(5), Clock.systemUTC(), this.topology);
		health.markFailing(0);
		assertThat(health.failsFast(peers.get(peers.size() - 1))).as("a slot of the same master").isTrue();
		assertThat(health.failsFast(elsewhere)).as("another master's slot").isFalse();

		ClusterNode promoted = cluster.failover(master);
		// The client learns of it on its next refresh; the topology follows the event.
		LettuceCommands.client(this.connectionFactory).orElseThrow().refreshPartitions();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.topology.masterOf(0)).isEqualTo(promoted.id()));
	}

}
