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

import org.jspecify.annotations.Nullable;

/**
 * Raised once when a slot becomes hot: its share of the window's commands reached the
 * threshold times the mean share of the active slots. It is not raised again for the same
 * slot until the slot has cooled down (its ratio fell below three quarters of the
 * threshold) and become hot again. In a Spring application it is published as an
 * application event ({@code @EventListener void on(HotSlotEvent event)}).
 *
 * @param slot the slot, 0 to 16383
 * @param master {@code host:port} of the master that owns the slot, or {@code null} when
 * unknown
 * @param share the slot's share of the window's keyed commands, 0 to 1
 * @param meanShare the mean share of the active slots ({@code 1 / active slots})
 * @param commands commands with a key in this slot in the window
 * @param window the window the shares were counted over
 * @param detectedAt when the slot was found hot
 */
public record HotSlotEvent(int slot, @Nullable String master, double share, double meanShare, long commands,
		Duration window, Instant detectedAt) {

	/**
	 * The share divided by the mean share.
	 * @return how many times its fair share the slot takes
	 */
	public double ratio() {
		return (this.meanShare > 0) ? this.share / this.meanShare : 0;
	}

}
