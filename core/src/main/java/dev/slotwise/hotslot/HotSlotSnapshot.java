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

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link HotSlotDetector} saw at its last evaluation: immutable, safe to hand to
 * other threads, to serialize and to keep.
 *
 * @param takenAt when the window was last evaluated
 * @param window how far back commands are counted
 * @param commands keyed commands this application instance sent in the window
 * @param activeSlots slots with at least one command in the window
 * @param threshold the ratio to the mean share at which a slot becomes hot
 * @param hotSlots the hot slots, hottest first
 * @param hottestSlots the busiest slots, hottest first, hot or not (at most
 * {@link HotSlotDetector#RANKED_SLOTS})
 * @param masters every master's own view of its load, from the last server view; empty
 * until one was read
 * @param serverViewAt when the masters' view was last read, or {@code null} if never
 */
public record HotSlotSnapshot(Instant takenAt, Duration window, long commands, int activeSlots, double threshold,
		List<HotSlot> hotSlots, List<SlotLoad> hottestSlots, List<MasterLoad> masters, @Nullable Instant serverViewAt) {

	/**
	 * Create a snapshot; the lists are copied.
	 */
	public HotSlotSnapshot {
		hotSlots = List.copyOf(hotSlots);
		hottestSlots = List.copyOf(hottestSlots);
		masters = List.copyOf(masters);
	}

	/**
	 * The mean share of the active slots.
	 * @return {@code 1 / activeSlots}, or 0 when no slot is active
	 */
	public double meanShare() {
		return (this.activeSlots > 0) ? 1.0 / this.activeSlots : 0;
	}

	/**
	 * The share of the busiest slot.
	 * @return 0 to 1; 0 when no slot is active
	 */
	public double hottestShare() {
		return this.hottestSlots.isEmpty() ? 0 : this.hottestSlots.get(0).share();
	}

}
