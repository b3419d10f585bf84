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
package dev.slotwise.hotslot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The hottest keys of one slot from a stream of samples, in bounded memory: the
 * Space-Saving algorithm (Metwally, Agrawal and El Abbadi, 2005) over {@code capacity}
 * counters, which finds every key whose share exceeds {@code 1 / capacity}. Counts decay
 * when the window slides so that old traffic fades. Used by one thread.
 */
final class TopKeys {

	private final int capacity;

	private final Map<String, double[]> counts;

	private double total;

	TopKeys(int capacity) {
		this.capacity = Math.max(1, capacity);
		this.counts = new HashMap<>(this.capacity * 2);
	}

	void add(String key) {
		this.total++;
		double[] count = this.counts.get(key);
		if (count != null) {
			count[0]++;
			return;
		}
		if (this.counts.size() < this.capacity) {
			this.counts.put(key, new double[] { 1 });
			return;
		}
		Map.Entry<String, double[]> smallest = null;
		for (Map.Entry<String, double[]> entry : this.counts.entrySet()) {
			if (smallest == null || entry.getValue()[0] < smallest.getValue()[0]) {
				smallest = entry;
			}
		}
		double inherited = smallest.getValue()[0];
		this.counts.remove(smallest.getKey());
		this.counts.put(key, new double[] { inherited + 1 });
	}

	void decay(double factor) {
		this.total *= factor;
		for (Iterator<double[]> values = this.counts.values().iterator(); values.hasNext();) {
			double[] count = values.next();
			count[0] *= factor;
			if (count[0] < 0.5) {
				values.remove();
			}
		}
	}

	List<KeyCount> top(int limit, long slotCommands) {
		if (this.total <= 0 || limit == 0) {
			return List.of();
		}
		List<Map.Entry<String, double[]>> entries = new ArrayList<>(this.counts.entrySet());
		entries.sort(Comparator.comparingDouble((Map.Entry<String, double[]> entry) -> entry.getValue()[0])
			.reversed()
			.thenComparing(Map.Entry::getKey));
		List<KeyCount> top = new ArrayList<>(Math.min(limit, entries.size()));
		for (Map.Entry<String, double[]> entry : entries.subList(0, Math.min(limit, entries.size()))) {
			double share = Math.min(1, entry.getValue()[0] / this.total);
			top.add(new KeyCount(entry.getKey(), Math.round(share * slotCommands), share));
		}
		return top;
	}

}
