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

package dev.slotwise.cache;

import java.time.Duration;

import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The near cache through a master's SIGKILL, a hung master, a manual failover and a live
 * slot migration, with two instances: the affected master's copies stop being fresh,
 * reads never fail, and a write made through the fault is read on the other instance no
 * later than the bound after it reached Redis. Copies of the other masters' slots keep
 * being served from memory.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class NearCacheFailoverIntegrationTests {

	private static final Duration BOUND = Duration.ofMillis(200);

	@Test
	void aKilledMastersCopiesStopAndItsReplayedWritesAreReadWithinTheBound(LocalRedisCluster cluster) {
		try (NearInstance one = new NearInstance(cluster, BOUND); NearInstance two = new NearInstance(cluster, BOUND)) {
			ClusterNode victim = cluster.masters().get(0);
			String onVictim = keyOn(cluster, victim, true);
			String elsewhere = keyOn(cluster, victim, false);
			one.cache.put(onVictim, "old");
			one.cache.put(elsewhere, "steady");
			one.awaitNear(onVictim, "old");
			one.awaitNear(elsewhere, "steady");

			cluster.kill(victim);
			// No error reaches the caller; until a write, the copy is the value.
			assertThat(one.cache.get(onVictim, String.class)).isIn("old", null);
			two.cache.put(onVictim, "new");
			// The other masters' copies are still served from memory meanwhile.
			one.awaitNear(elsewhere, "steady");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> two.fixture.writeBuffer.pending() == 0
						&& "new".equals(two.cache.get(onVictim, String.class)));
			one.assertNotReadAfterTheBound(onVictim, System.nanoTime(), "new");
			// Tracking follows the new master: its copies are served again, and fresh.
			one.awaitNear(onVictim, "new");
			two.cache.put(onVictim, "newer");
			one.assertNotReadAfterTheBound(onVictim, System.nanoTime(), "newer");
			assertThat(one.tracker.trackingLosses()).isPositive();
			assertThat(one.tracker.flushes(NearCacheFlush.OWNER_CHANGED)).as("flushes for the slots' new owner")
				.isPositive();
		}
	}

	@Test
	void aHungMastersCopiesStopWithinTheBoundAndItsReplacementsWritesAreRead(LocalRedisCluster cluster) {
		try (NearInstance one = new NearInstance(cluster, BOUND); NearInstance two = new NearInstance(cluster, BOUND)) {
			ClusterNode victim = cluster.masters().get(1);
			String onVictim = keyOn(cluster, victim, true);
			one.cache.put(onVictim, "old");
			one.awaitNear(onVictim, "old");

			cluster.pause(victim);
			long pausedAt = System.nanoTime();
			// No read that begins later than the bound is answered from memory as fresh.
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				long before = one.cache.nearHits();
				long began = System.nanoTime();
				one.cache.get(onVictim, String.class);
				boolean fromMemory = one.cache.nearHits() > before;
				assertThat(fromMemory && began - pausedAt > BOUND.toNanos() + 5_000_000L)
					.as("a read %s ms after the pause was answered from memory as fresh",
							(began - pausedAt) / 1_000_000)
					.isFalse();
				return began - pausedAt > BOUND.toNanos() * 3;
			});
			// The cluster fails the hung master over; a write meanwhile is buffered and
			// replayed on its replacement.
			two.cache.put(onVictim, "new");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> two.fixture.writeBuffer.pending() == 0
						&& "new".equals(two.cache.get(onVictim, String.class)));
			one.assertNotReadAfterTheBound(onVictim, System.nanoTime(), "new");
			// The old master comes back as a replica: the copies follow the new master.
			cluster.resume(victim);
			one.awaitNear(onVictim, "new");
			two.cache.put(onVictim, "newer");
			one.assertNotReadAfterTheBound(onVictim, System.nanoTime(), "newer");
		}
	}

	@Test
	void aManualFailoverMovesTheCopiesToTheNewMaster(LocalRedisCluster cluster) {
		try (NearInstance one = new NearInstance(cluster, BOUND); NearInstance two = new NearInstance(cluster, BOUND)) {
			ClusterNode master = cluster.masters().get(2);
			String key = keyOn(cluster, master, true);
			one.cache.put(key, "old");
			one.awaitNear(key, "old");
			cluster.failover(master);
			two.cache.put(key, "new");
			one.assertNotReadAfterTheBound(key, System.nanoTime(), "new");
			one.awaitNear(key, "new");
			two.cache.put(key, "newer");
			one.assertNotReadAfterTheBound(key, System.nanoTime(), "newer");
		}
	}

	@Test
	void aLiveSlotMigrationMovesTheCopiesToTheNewOwner(LocalRedisCluster cluster) {
		try (NearInstance one = new NearInstance(cluster, BOUND); NearInstance two = new NearInstance(cluster, BOUND)) {
			ClusterNode source = cluster.masters().get(0);
			ClusterNode target = cluster.masters().get(1);
			String key = keyOn(cluster, source, true);
			one.cache.put(key, "old");
			one.awaitNear(key, "old");
			cluster.migrateSlot(one.fixture.keys.slot("products::" + key), target);
			two.cache.put(key, "new");
			one.assertNotReadAfterTheBound(key, System.nanoTime(), "new");
			one.awaitNear(key, "new");
			two.cache.put(key, "newer");
			one.assertNotReadAfterTheBound(key, System.nanoTime(), "newer");
		}
	}

	@AfterEach
	void heal(LocalRedisCluster cluster) {
		cluster.heal();
	}

	private static String keyOn(LocalRedisCluster cluster, ClusterNode master, boolean on) {
		for (int i = 0;; i++) {
			boolean owned = cluster.masterForKey("products::f" + i).id().equals(master.id());
			if (owned == on) {
				return "f" + i;
			}
		}
	}

}
