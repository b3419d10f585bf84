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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A failing slot's probe goes only to a master the cluster still holds as the slot's
 * master, on a real 3+3 cluster. The client here refreshes its topology only when told,
 * so its routing stays behind a failover until {@link ClusterTopology#confirmMaster(int)}
 * finds out and refreshes it.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class MasterConfirmationIntegrationTests {

	private static final int SLOT = 0;

	private LettuceConnectionFactory connectionFactory;

	private ClusterTopology topology;

	private SlotHealth health;

	private SlotGuard guard;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		cluster.awaitHealthy();
		// No periodic or adaptive refresh: the client's routing changes only when told.
		ClusterClientOptions options = ClusterClientOptions.builder()
			.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enablePeriodicRefresh(false).build())
			.build();
		this.connectionFactory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.seedAddresses()),
				LettuceClientConfiguration.builder()
					.clientOptions(options)
					.commandTimeout(Duration.ofSeconds(2))
					.build());
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		// A long confirmation timeout: on a loaded machine a silent answer would let the
		// probe through (no objection), and the test would prove nothing.
		this.topology = new ClusterTopology(this.connectionFactory, true, Duration.ofSeconds(3));
		this.topology.afterPropertiesSet();
		await().until(() -> this.topology.masterOf(SLOT) != null);
		this.health = new SlotHealth(Duration.ofMillis(50), Clock.systemUTC(), this.topology);
		this.guard = new SlotGuard(this.health);
	}

	@AfterEach
	void disconnect(LocalRedisCluster cluster) {
		cluster.heal();
		this.topology.destroy();
		this.connectionFactory.destroy();
	}

	@Test
	void aMasterTheClusterHoldsIsProbed() {
		assertThat(this.topology.confirmMaster(SLOT).toCompletableFuture().join()).isTrue();
		this.health.markFailing(SLOT);
		await().until(() -> !this.guard.failsFast(SLOT));
		assertThat(this.guard.refusedProbes()).isZero();
	}

	@Test
	void aMasterTheClusterReplacedIsNotProbedAndTheClientIsRefreshed(LocalRedisCluster cluster) {
		ClusterNode old = ownerOfSlot(cluster);
		ClusterNode replacement = cluster.failover(old);
		assertThat(this.topology.masterOf(SLOT)).as("the client has not noticed the failover").isEqualTo(old.id());
		this.health.markFailing(SLOT);
		// Callers keep coming until one probes. None may be let through while the client
		// still routes the slot to the old master. (The client's routing may also move on
		// by itself in a full test run; the new master is then the one probed.)
		List<String> probedWhileOld = new CopyOnWriteArrayList<>();
		await("a probe of the new master").atMost(Duration.ofSeconds(20)).conditionEvaluationListener((condition) -> {
			if (condition.getRemainingTimeInMS() <= condition.getPollInterval().toMillis()) {
				// About to time out: say what the cluster and the client saw.
				System.err.println("Slot " + SLOT + ": the client routes to " + this.topology.masterOf(SLOT) + ", old "
						+ old.id() + ", replacement " + replacement.id() + ", refused probes "
						+ this.guard.refusedProbes() + ", probes let through to the old master " + probedWhileOld.size()
						+ "; the other masters answer " + this.topology.confirmMaster(SLOT).toCompletableFuture().join()
						+ "; their views: "
						+ cluster.masters()
							.stream()
							.map((master) -> master + ": "
									+ cluster.call(master, (commands) -> commands.clusterNodes()))
							.toList());
			}
		}).until(() -> {
			boolean routedToOld = old.id().equals(this.topology.masterOf(SLOT));
			boolean probe = !this.guard.failsFast(SLOT);
			if (probe && routedToOld && old.id().equals(this.topology.masterOf(SLOT))) {
				probedWhileOld.add(old.id());
			}
			return probe && !routedToOld;
		});
		assertThat(probedWhileOld).as("probes let through while the client routed to the replaced master").isEmpty();
		assertThat(this.topology.masterOf(SLOT)).isEqualTo(replacement.id());
	}

	@Test
	void aStoppedMasterTheOthersFlagIsNotProbed(LocalRedisCluster cluster) {
		ClusterNode stopped = ownerOfSlot(cluster);
		ClusterNode witness = cluster.masters().stream().filter((node) -> !node.equals(stopped)).findFirst().get();
		cluster.pause(stopped);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> cluster.call(witness, (commands) -> commands.clusterNodes())
				.lines()
				.anyMatch((line) -> line.startsWith(stopped.id()) && line.contains("fail")));
		assertThat(this.topology.confirmMaster(SLOT).toCompletableFuture().join()).isFalse();
		this.health.markFailing(SLOT);
		await().until(() -> this.guard.failsFast(SLOT) && this.guard.refusedProbes() > 0);
		assertThat(this.health.isSuspect(SLOT)).isTrue();
		// Let the failover the pause started finish before the next test changes roles.
		await().atMost(Duration.ofSeconds(20))
			.until(() -> cluster.call(witness, (commands) -> commands.clusterNodes())
				.lines()
				.anyMatch((line) -> line.contains("master") && !line.startsWith(stopped.id())
						&& line.matches(".* 0-\\d+.*|.* 0$")));
	}

	@Test
	void aTopologyWithConfirmationOffConfirmsEveryMaster(LocalRedisCluster cluster) {
		ClusterTopology unconfirmed = new ClusterTopology(this.connectionFactory, false);
		unconfirmed.afterPropertiesSet();
		try {
			ClusterNode stopped = ownerOfSlot(cluster);
			cluster.failover(stopped);
			assertThat(unconfirmed.masterOf(SLOT)).isEqualTo(stopped.id());
			assertThat(unconfirmed.confirmMaster(SLOT).toCompletableFuture().join()).isTrue();
		}
		finally {
			unconfirmed.destroy();
		}
	}

	private ClusterNode ownerOfSlot(LocalRedisCluster cluster) {
		String id = this.topology.masterOf(SLOT);
		return cluster.masters().stream().filter((node) -> node.id().equals(id)).findFirst().orElseThrow();
	}

}
