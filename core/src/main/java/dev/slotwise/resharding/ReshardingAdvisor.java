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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.slotwise.monitor.ClusterSnapshot;
import dev.slotwise.monitor.ClusterSnapshot.Master;
import dev.slotwise.monitor.ClusterSnapshot.SlotRange;

/**
 * Proposes moving the hottest slots of the busiest master to the least busy one. Pure
 * logic: it reads a {@link ClusterSnapshot} and the traffic per slot (commands counted
 * over a window) and changes nothing.
 *
 * <p>
 * A slot moves only while moving it narrows the gap between the two masters (its load is
 * at most half the gap), hottest first, so a plan never swaps which master is busiest.
 */
public final class ReshardingAdvisor {

	private ReshardingAdvisor() {
	}

	/**
	 * Plan moves from the busiest master to the least busy one.
	 * @param snapshot the cluster
	 * @param traffic commands per slot over the same window for every slot
	 * @param maxSteps the most slots to move
	 * @return the plan, empty when the cluster is balanced, down, or has one master
	 */
	public static ReshardingPlan plan(ClusterSnapshot snapshot, SlotTraffic traffic, int maxSteps) {
		List<Master> masters = snapshot.masters().stream().filter((m) -> !m.slots().isEmpty() && !m.failing()).toList();
		if (!snapshot.isUp() || masters.size() < 2 || maxSteps < 1) {
			return new ReshardingPlan(List.of(), Map.of());
		}
		Map<String, Long> loads = new HashMap<>();
		for (Master master : masters) {
			long total = 0;
			for (SlotRange range : master.slots()) {
				for (int slot = range.from(); slot <= range.to(); slot++) {
					total += traffic.commands(slot);
				}
			}
			loads.put(master.id(), total);
		}
		Master busiest = masters.stream().max(Comparator.comparingLong((Master m) -> loads.get(m.id()))).orElseThrow();
		Master idlest = masters.stream().min(Comparator.comparingLong((Master m) -> loads.get(m.id()))).orElseThrow();
		List<int[]> candidates = new ArrayList<>();
		for (SlotRange range : busiest.slots()) {
			for (int slot = range.from(); slot <= range.to(); slot++) {
				long commands = traffic.commands(slot);
				if (commands > 0) {
					candidates.add(new int[] { slot });
				}
			}
		}
		candidates.sort(Comparator.comparingLong((int[] slot) -> traffic.commands(slot[0])).reversed());
		long from = loads.get(busiest.id());
		long to = loads.get(idlest.id());
		long total = loads.values().stream().mapToLong(Long::longValue).sum();
		List<ReshardingPlan.Step> steps = new ArrayList<>();
		for (int[] candidate : candidates) {
			if (steps.size() == maxSteps) {
				break;
			}
			long commands = traffic.commands(candidate[0]);
			if (2 * commands > from - to) {
				continue;
			}
			from -= commands;
			to += commands;
			steps.add(new ReshardingPlan.Step(candidate[0], commands, (total > 0) ? (double) commands / total : 0,
					busiest.id(), busiest.address(), idlest.id(), idlest.address()));
		}
		Map<String, Long> after = new HashMap<>(loads);
		after.put(busiest.id(), from);
		after.put(idlest.id(), to);
		Map<String, Long> byAddress = new HashMap<>();
		masters.forEach((master) -> byAddress.put(master.address(), after.get(master.id())));
		return new ReshardingPlan(steps, byAddress);
	}

}
