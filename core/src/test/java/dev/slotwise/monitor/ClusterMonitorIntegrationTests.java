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

import dev.slotwise.ClusterConnections;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.monitor.ClusterSnapshot.Master;
import dev.slotwise.monitor.ClusterSnapshot.Replica;
import dev.slotwise.monitor.ClusterSnapshot.SlotRange;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClusterMonitor} against a real 3+3 cluster: the snapshot, lag, events, and
 * failing slots marked from the cluster's own view before any call to them.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class ClusterMonitorIntegrationTests {

	private final ClusterKeys keys = new ClusterKeys();

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
	}

	@AfterEach
	void disconnect() {
		this.monitor.stop();
		this.connectionFactory.destroy();
	}

	@Test
	void theSnapshotShowsEveryMasterWithItsSlotsAndReplicas(LocalRedisCluster cluster) {
		// Replicas acknowledge once a second; a loaded machine may delay one past the
		// threshold, so wait for a poll where all are in sync.
		await().atMost(Duration.ofSeconds(15))
			.until(() -> this.monitor.poll().replicas().stream().noneMatch(Replica::lagging));
		ClusterSnapshot snapshot = this.monitor.snapshot();
		assertThat(snapshot.isUp()).isTrue();
		assertThat(snapshot.state()).isEqualTo("ok");
		assertThat(snapshot.slotsAssigned()).isEqualTo(16384);
		assertThat(snapshot.slotsOk()).isEqualTo(16384);
		assertThat(snapshot.knownNodes()).isEqualTo(6);
		assertThat(snapshot.size()).isEqualTo(3);
		assertThat(snapshot.masters()).hasSize(3)
			.extracting(Master::address)
			.containsExactlyInAnyOrderElementsOf(cluster.masters().stream().map(ClusterNode::address).toList());
		assertThat(snapshot.masters().stream().mapToInt(Master::slotCount).sum()).isEqualTo(16384);
		for (Master master : snapshot.masters()) {
			ClusterNode node = cluster.masters()
				.stream()
				.filter((m) -> m.address().equals(master.address()))
				.findFirst()
				.orElseThrow();
			assertThat(master.replicas()).extracting(Replica::address)
				.containsExactlyElementsOf(cluster.replicasOf(node).stream().map(ClusterNode::address).toList());
			assertThat(master.replicas()).allSatisfy((replica) -> {
				assertThat(replica.online()).isTrue();
				assertThat(replica.lagging()).isFalse();
				assertThat(replica.lagBytes()).isBetween(0L, 1024L * 1024);
			});
		}
		int slot = this.keys.slot("user:{1}");
		assertThat(snapshot.masterForSlot(slot).address()).isEqualTo(cluster.masterForSlot(slot).address());
		assertThat(snapshot.failingSlots().isEmpty()).isTrue();
		assertThat(this.events).as("no change: no event").isEmpty();
	}

	@Test
	void aPausedReplicaLagsAndCatchesUpWhenResumed(LocalRedisCluster cluster) {
		ClusterNode master = cluster.masterForKey("lag:{1}");
		ClusterNode replica = cluster.replicasOf(master).get(0);
		StringRedisTemplate redis = new StringRedisTemplate(this.connectionFactory);
		this.monitor.start();
		cluster.pause(replica);
		try {
			// One snapshot whose master's INFO was read in time: a poll in which the
			// master
			// did not answer within the node timeout knows nothing of the replica's link.
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				redis.opsForValue().set("lag:{1}", "x".repeat(1000));
				Replica lagging = replicaView(replica);
				assertThat(lagging.lagging()).isTrue();
				// Lagging by silence, or because the cluster already suspects it (node
				// timeout 1 s), whichever comes first.
				assertThat(lagging.lastAck()).isNotNull().isGreaterThanOrEqualTo(Duration.ofSeconds(1));
				assertThat(lagging.online()).as("its master still lists it").isTrue();
			});
		}
		finally {
			cluster.resume(replica);
		}
		await().atMost(Duration.ofSeconds(15)).until(() -> !replicaView(replica).lagging());
		assertThat(replicaView(replica).lagBytes()).isLessThan(1024L * 1024);
	}

	private Replica replicaView(ClusterNode replica) {
		return this.monitor.snapshot()
			.replicas()
			.stream()
			.filter((r) -> r.address().equals(replica.address()))
			.findFirst()
			.orElseThrow(() -> new AssertionError(replica + " not in " + this.monitor.snapshot()));
	}

	@Test
	void aFrozenMastersSlotsFailFastAndItsFailoverIsReportedOncePerChange(LocalRedisCluster cluster) {
		assertThat(this.monitor.poll().isUp()).isTrue();
		this.monitor.start();
		ClusterNode frozen = cluster.masterForKey("user:{1}");
		ClusterNode other = cluster.masters().stream().filter((m) -> !m.equals(frozen)).findFirst().orElseThrow();
		ClusterNode replica = cluster.replicasOf(frozen).get(0);
		int frozenSlot = this.keys.slot("user:{1}");
		int otherSlot = slotOf(cluster, other);
		cluster.pause(frozen);
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.slotHealth.isFailing(frozenSlot));
			assertThat(this.slotHealth.isFailing(otherSlot)).isFalse();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.events.stream()
					.anyMatch((event) -> event instanceof ClusterEvent.Failover failover
							&& failover.newMasterAddress().equals(replica.address())));
			await().atMost(Duration.ofSeconds(10)).until(() -> this.monitor.snapshot().isUp());
		}
		finally {
			cluster.resume(frozen);
		}
		List<ClusterEvent.Failover> failovers = this.events.stream()
			.filter(ClusterEvent.Failover.class::isInstance)
			.map(ClusterEvent.Failover.class::cast)
			.toList();
		assertThat(failovers).singleElement().satisfies((failover) -> {
			assertThat(failover.previousMasterAddress()).isEqualTo(frozen.address());
			assertThat(failover.newMasterAddress()).isEqualTo(replica.address());
		});
		assertThat(this.events).filteredOn(ClusterEvent.SlotsFailing.class::isInstance)
			.isNotEmpty()
			.allSatisfy((event) -> assertThat(((ClusterEvent.SlotsFailing) event).slots())
				.anySatisfy((range) -> assertThat(range.contains(frozenSlot)).isTrue()));
		assertThat(this.events).filteredOn(ClusterEvent.SlotsRecovered.class::isInstance)
			.extracting((event) -> ((ClusterEvent.SlotsRecovered) event).slots())
			.anySatisfy((ranges) -> assertThat(ranges).anyMatch((range) -> range.contains(frozenSlot)));
		List<String> states = this.events.stream()
			.filter(ClusterEvent.StateChanged.class::isInstance)
			.map((event) -> ((ClusterEvent.StateChanged) event).current())
			.toList();
		for (int i = 1; i < states.size(); i++) {
			assertThat(states.get(i)).as("one event per change").isNotEqualTo(states.get(i - 1));
		}
		assertThat(this.monitor.snapshot().failingSlots().get(frozenSlot)).isFalse();
		assertThat(SlotRange.of(this.monitor.snapshot().failingSlots())).isEmpty();
	}

	@Test
	void aFailoverTheClientHasNotNoticedMakesTheMonitorRefreshItsRouting(LocalRedisCluster cluster) {
		assertThat(this.monitor.poll().isUp()).isTrue();
		assertThat(this.monitor.clientRefreshes()).as("the client agrees with the cluster").isZero();
		RedisClusterClient client = (RedisClusterClient) this.connectionFactory.getRequiredNativeClient();
		ClusterNode master = cluster.masterForKey("user:{2}");
		int slot = this.keys.slot("user:{2}");
		// Coordinated by Redis, through another client: this one sends nothing, gets no
		// MOVED and has no periodic refresh.
		ClusterNode replica = cluster.failover(master);
		assertThat(client.getPartitions().getPartitionBySlot(slot).getNodeId()).as("the client has not noticed")
			.isEqualTo(master.id());
		this.monitor.poll();
		assertThat(this.monitor.clientRefreshes()).isOne();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(client.getPartitions().getPartitionBySlot(slot).getNodeId())
				.isEqualTo(replica.id()));
		this.monitor.poll();
		assertThat(this.monitor.clientRefreshes()).as("in step again: no further refresh").isOne();
	}

	private int slotOf(LocalRedisCluster cluster, ClusterNode master) {
		for (int i = 0;; i++) {
			if (cluster.masterForKey("k" + i).equals(master)) {
				return this.keys.slot("k" + i);
			}
		}
	}

}
