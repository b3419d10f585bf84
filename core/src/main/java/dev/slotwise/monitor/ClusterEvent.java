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

import java.util.List;

import dev.slotwise.monitor.ClusterSnapshot.SlotRange;

/**
 * A change the {@link ClusterMonitor} saw between two polls, published as a Spring
 * application event once per change ({@code @EventListener} on the record type).
 */
public sealed interface ClusterEvent {

	/**
	 * The snapshot in which the change was seen.
	 * @return the snapshot
	 */
	ClusterSnapshot snapshot();

	/**
	 * {@code cluster_state} changed.
	 *
	 * @param previous the state before ({@code ok}, {@code fail}, {@code unknown})
	 * @param current the state now
	 * @param snapshot the snapshot
	 */
	record StateChanged(String previous, String current, ClusterSnapshot snapshot) implements ClusterEvent {
	}

	/**
	 * Slots stopped being served: their master is flagged failing, or no master serves
	 * them.
	 *
	 * @param slots the slots, as ranges
	 * @param snapshot the snapshot
	 */
	record SlotsFailing(List<SlotRange> slots, ClusterSnapshot snapshot) implements ClusterEvent {
	}

	/**
	 * Slots are served again.
	 *
	 * @param slots the slots, as ranges
	 * @param snapshot the snapshot
	 */
	record SlotsRecovered(List<SlotRange> slots, ClusterSnapshot snapshot) implements ClusterEvent {
	}

	/**
	 * A replica took over its master's slots.
	 *
	 * @param previousMasterId the master that was replaced
	 * @param previousMasterAddress its address
	 * @param newMasterId the replica that took over
	 * @param newMasterAddress its address
	 * @param snapshot the snapshot
	 */
	record Failover(String previousMasterId, String previousMasterAddress, String newMasterId, String newMasterAddress,
			ClusterSnapshot snapshot) implements ClusterEvent {
	}

}
