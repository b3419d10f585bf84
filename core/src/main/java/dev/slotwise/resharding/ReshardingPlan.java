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

package dev.slotwise.resharding;

import java.util.List;
import java.util.Map;

/**
 * Slots to move, one step per slot, each with the commands an operator would run.
 *
 * @param steps the moves, hottest slot first
 * @param loadAfter commands per master address over the window if the plan is applied
 */
public record ReshardingPlan(List<Step> steps, Map<String, Long> loadAfter) {

	/**
	 * Copy the collections.
	 */
	public ReshardingPlan {
		steps = List.copyOf(steps);
		loadAfter = Map.copyOf(loadAfter);
	}

	/**
	 * One slot to move.
	 *
	 * @param slot the slot
	 * @param commands commands it received over the window
	 * @param share its share of all commands
	 * @param fromId the node id of the master that serves it
	 * @param fromAddress that master's address
	 * @param toId the node id of the master to move it to
	 * @param toAddress that master's address
	 */
	public record Step(int slot, long commands, double share, String fromId, String fromAddress, String toId,
			String toAddress) {

		/**
		 * The {@code redis-cli} command that moves one slot between these masters.
		 * {@code redis-cli --cluster reshard} picks which slot it moves; to move exactly
		 * this one, run {@link #exactCommands()}.
		 * @return the command
		 */
		public String redisCliCommand() {
			return "redis-cli --cluster reshard " + this.fromAddress + " --cluster-from " + this.fromId
					+ " --cluster-to " + this.toId + " --cluster-slots 1 --cluster-yes";
		}

		/**
		 * The commands that move exactly this slot, in order, each prefixed with the node
		 * it is sent to.
		 * @return the commands
		 */
		public List<String> exactCommands() {
			String[] to = this.toAddress.split(":");
			return List.of(this.toAddress + ": CLUSTER SETSLOT " + this.slot + " IMPORTING " + this.fromId,
					this.fromAddress + ": CLUSTER SETSLOT " + this.slot + " MIGRATING " + this.toId,
					this.fromAddress + ": CLUSTER GETKEYSINSLOT " + this.slot + " 100, then MIGRATE " + to[0] + " "
							+ to[1] + " \"\" 0 5000 KEYS <keys>; repeat until no key is left",
					"every master: CLUSTER SETSLOT " + this.slot + " NODE " + this.toId);
		}

	}

}
