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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.TestClock;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SlotHealth}: fail fast for a probe interval, then one probe at a time.
 */
class SlotHealthTests {

	private final TestClock clock = new TestClock();

	private final SlotHealth health = new SlotHealth(Duration.ofSeconds(1), this.clock);

	@Test
	void aFailingSlotFailsFastForOneProbeIntervalThenLetsExactlyOneCallerProbe() {
		assertThat(this.health.failsFast(7)).isFalse();
		assertThat(this.health.markFailing(7)).as("a state change").isTrue();
		assertThat(this.health.markFailing(7)).as("already failing").isFalse();
		assertThat(this.health.failsFast(7)).isTrue();
		this.clock.advance(Duration.ofMillis(999));
		assertThat(this.health.failsFast(7)).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.health.isFailing(7)).as("observers do not claim the probe").isFalse();
		assertThat(this.health.isFailing(7)).isFalse();
		assertThat(this.health.failsFast(7)).as("the probe").isFalse();
		assertThat(this.health.failsFast(7)).as("everyone else while the probe waits").isTrue();
		assertThat(this.health.isFailing(7)).isTrue();
		assertThat(this.health.isSuspect(7)).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.health.failsFast(7)).as("the probe never answered: another one").isFalse();
		assertThat(this.health.markHealthy(7)).isTrue();
		assertThat(this.health.failsFast(7)).isFalse();
		assertThat(this.health.isSuspect(7)).isFalse();
		assertThat(this.health.failsFast(8)).as("other slots were never touched").isFalse();
	}

	@Test
	void oneProbeAtATimeHoweverManyCallersArriveTogether() throws Exception {
		this.health.markFailing(42);
		this.clock.advance(Duration.ofSeconds(1));
		int callers = 16;
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger probes = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<?>> calls = new java.util.ArrayList<>();
			for (int i = 0; i < callers; i++) {
				calls.add(pool.submit(() -> {
					start.await();
					if (!this.health.failsFast(42)) {
						probes.incrementAndGet();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> call : calls) {
				call.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(probes).hasValue(1);
	}

	@Test
	void aMastersSlotsFailTogetherAndTheProbeOfOneHoldsTheOthers() {
		ClusterTopology topology = new ClusterTopology();
		topology.update(List.of(master("a", 0, 99, 200, 299), master("b", 100, 199), replica("c", "a")));
		SlotHealth health = new SlotHealth(Duration.ofSeconds(1), this.clock, topology);
		health.markFailing(5);
		assertThat(health.failsFast(250)).isTrue();
		assertThat(health.failsFast(150)).as("another master's slot").isFalse();
		assertThat(health.failsFast(300)).as("a slot no master serves").isFalse();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(health.failsFast(250)).as("the probe, on one slot of the master").isFalse();
		assertThat(health.failsFast(5)).as("the master's other slots wait for it").isTrue();
		assertThat(health.failsFast(99)).isTrue();
		assertThat(health.markHealthy(250)).isTrue();
		assertThat(health.isSuspect(5)).as("the probe's success clears the master").isFalse();
		assertThat(health.suspectSlots().isEmpty()).isTrue();
	}

	@Test
	void theTopologyFollowsItsUpdates() {
		ClusterTopology topology = new ClusterTopology();
		assertThat(topology.masterOf(5)).as("nothing known yet").isNull();
		SlotHealth health = new SlotHealth(Duration.ofSeconds(1), this.clock, topology);
		health.markFailing(5);
		assertThat(health.failsFast(6)).as("an unknown topology marks the slot alone").isFalse();
		topology.update(List.of(master("a", 0, 99), master("b", 100, 199)));
		assertThat(topology.masterOf(5)).isEqualTo("a");
		topology.update(List.of(master("a", 0, 49), master("b", 50, 199)));
		assertThat(topology.masterOf(60)).as("after a migration").isEqualTo("b");
		health.markFailing(120);
		assertThat(health.failsFast(60)).as("a peer under the new topology").isTrue();
		assertThat(health.failsFast(40)).isFalse();
	}

	private static RedisClusterNode master(String id, int... ranges) {
		RedisClusterNode node = new RedisClusterNode();
		node.setNodeId(id);
		node.setFlags(Set.of(RedisClusterNode.NodeFlag.UPSTREAM));
		List<Integer> slots = new ArrayList<>();
		for (int i = 0; i < ranges.length; i += 2) {
			for (int slot = ranges[i]; slot <= ranges[i + 1]; slot++) {
				slots.add(slot);
			}
		}
		node.setSlots(slots);
		return node;
	}

	private static RedisClusterNode replica(String id, String master) {
		RedisClusterNode node = new RedisClusterNode();
		node.setNodeId(id);
		node.setSlaveOf(master);
		node.setFlags(Set.of(RedisClusterNode.NodeFlag.REPLICA));
		return node;
	}

	@Test
	void theProbeIntervalMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SlotHealth(Duration.ZERO, this.clock))
			.withMessageContaining("probeInterval must be positive");
	}

}
