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
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The near cache through a master's SIGKILL and its failover, with two instances: the
 * killed master's copies stop being fresh, reads never fail, and a write made through the
 * outage (buffered, replayed on the new master) is read on the other instance no later
 * than the bound after it reached Redis. Copies of the other masters' slots keep being
 * served from memory.
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
		}
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
