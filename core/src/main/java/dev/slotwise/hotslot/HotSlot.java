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

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A slot that takes far more than its share of the commands.
 *
 * @param slot the slot, 0 to 16383
 * @param commands commands with a key in this slot in the window
 * @param share the slot's share of the window's keyed commands, 0 to 1
 * @param ratio the share divided by the mean share of the active slots; at least the
 * threshold when the slot became hot
 * @param master {@code host:port} of the master that owns the slot, or {@code null} when
 * unknown
 * @param hotSince when the slot became hot
 * @param topKeys the slot's hottest keys, hottest first; empty until the first samples
 * arrive (keys are sampled only once a slot is hot)
 * @param keysInSlot the keys the master holds in this slot
 * ({@code CLUSTER COUNTKEYSINSLOT}), or {@code null} until it has been read
 */
public record HotSlot(int slot, long commands, double share, double ratio, @Nullable String master, Instant hotSince,
		List<KeyCount> topKeys, @Nullable Long keysInSlot) {

	/**
	 * Create a hot slot; the key list is copied.
	 */
	public HotSlot {
		topKeys = List.copyOf(topKeys);
	}

}
