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

package dev.slotwise.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.slotwise.ClusterConnections;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.monitor.ClusterSnapshot.Master;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import dev.slotwise.test.NodeNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClusterMonitor} when this instance is cut off from a master the cluster
 * considers healthy: the snapshot still says the cluster is up, and names the master as
 * unreachable from here; a master the cluster itself sees failing is a cluster failure,
 * reported as before, and never "unreachable from here".
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, networkFaults = true)
class UnreachableFromHereIntegrationTests {

	private final List<ClusterEvent> events = new CopyOnWriteArrayList<>();

	private LettuceConnectionFactory connectionFactory;

	private SlotHealth slotHealth;

	private ClusterMonitor monitor;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		this.connectionFactory = ClusterConnections.plain(cluster, Duration.ofMillis(300));
		this.slotHealth = new SlotHealth(Duration.ofSeconds(1), Clock.systemUTC());
		this.monitor = new ClusterMonitor(
				this.connectionFactory, this.slotHealth, new ClusterMonitor.Settings(Duration.ofMillis(100),
						Duration.ofMillis(300), 1024 * 1024, Duration.ofSeconds(3)),
				Clock.systemUTC(), this.events::add);
		this.monitor.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.monitor.snapshot().isUp());
	}

	@AfterEach
	void disconnect(LocalRedisCluster cluster) {
		cluster.heal();
		this.monitor.stop();
		this.connectionFactory.destroy();
	}

	@Test
	void aMasterBehindABlackholeIsUnreachableFromHereWhileTheClusterIsUp(LocalRedisCluster cluster) {
		partitionIsToldApartFromAFailure(cluster, NodeNetwork::blackhole);
	}

	@Test
	void aMasterWhoseConnectionsAreCutIsUnreachableFromHereWhileTheClusterIsUp(LocalRedisCluster cluster) {
		partitionIsToldApartFromAFailure(cluster, NodeNetwork::cut);
	}

	private void partitionIsToldApartFromAFailure(LocalRedisCluster cluster, Consumer<NodeNetwork> fault) {
		ClusterNode unreachable = cluster.masters().get(0);
		assertThat(this.monitor.snapshot().unreachableFromHere()).isEmpty();
		fault.accept(cluster.network(unreachable));
		try {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(this.monitor.snapshot().unreachableFromHere()).extracting(Master::address)
							.containsExactly(unreachable.address()));
			ClusterSnapshot snapshot = this.monitor.snapshot();
			assertThat(snapshot.isUp()).as("the cluster is fine").isTrue();
			assertThat(snapshot.failingSlots().isEmpty()).as("the cluster fails none of its slots").isTrue();
			assertThat(snapshot.masters()).filteredOn((master) -> !master.address().equals(unreachable.address()))
				.hasSize(2)
				.allMatch(Master::reachable);
			assertThat(this.events).as("no cluster event: the cluster did not change").isEmpty();
		}
		finally {
			cluster.network(unreachable).heal();
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.monitor.snapshot().masters()).hasSize(3).allMatch(Master::reachable));
		assertThat(this.monitor.snapshot().unreachableFromHere()).isEmpty();
	}

	@Test
	void aPollWaitsTheNodeTimeoutNotTheCommandTimeoutForTheNodeItAsksFirst(LocalRedisCluster cluster) {
		LettuceConnectionFactory patient = ClusterConnections.plain(cluster, Duration.ofSeconds(5));
		ClusterMonitor monitor = new ClusterMonitor(patient, null, new ClusterMonitor.Settings(Duration.ofSeconds(1),
				Duration.ofMillis(300), 1024 * 1024, Duration.ofSeconds(3)), Clock.systemUTC(), (event) -> {
				});
		try {
			String askedFirst = monitor.poll().answeredBy();
			ClusterNode cutOff = cluster.nodes()
				.stream()
				.filter((node) -> node.address().equals(askedFirst))
				.findFirst()
				.orElseThrow();
			cluster.network(cutOff).blackhole();
			long start = System.nanoTime();
			ClusterSnapshot snapshot = monitor.poll();
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(snapshot.isUp()).isTrue();
			assertThat(snapshot.answeredBy()).as("another node answered").isNotEqualTo(askedFirst);
			assertThat(took).as("a node timeout for the silent node and one for the masters' INFO, not 5 s")
				.isLessThan(Duration.ofMillis(2500));
		}
		finally {
			cluster.heal();
			monitor.stop();
			patient.destroy();
		}
	}

	@Test
	void aMasterTheClusterSeesFailingIsAClusterFailureNotAPartition(LocalRedisCluster cluster) {
		ClusterNode killed = cluster.masters().get(1);
		cluster.kill(killed);
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			ClusterSnapshot snapshot = this.monitor.snapshot();
			assertThat(snapshot.isUp()).isFalse();
			assertThat(snapshot.state()).isEqualTo("fail");
		});
		ClusterSnapshot failed = this.monitor.snapshot();
		assertThat(failed.unreachableFromHere()).as("the cluster sees the failure: not this instance's alone")
			.isEmpty();
		assertThat(failed.masters()).filteredOn((master) -> master.address().equals(killed.address()))
			.singleElement()
			.satisfies((master) -> assertThat(master.failing()).isTrue());
		assertThat(this.events).anyMatch(
				(event) -> event instanceof ClusterEvent.StateChanged changed && changed.current().equals("fail"));
	}

}
