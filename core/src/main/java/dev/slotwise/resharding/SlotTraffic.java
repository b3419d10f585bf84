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

/**
 * Traffic per slot over a recent window: how many commands this application sent to each
 * slot (the hot-slot detector measures it). The {@link ReshardingAdvisor} plans from it.
 * Not to be confused with {@link dev.slotwise.hotslot.SlotLoad}, the detector's record of
 * one ranked slot.
 */
@FunctionalInterface
public interface SlotTraffic {

	/**
	 * Commands sent to a slot over the window.
	 * @param slot the slot, 0 to 16383
	 * @return the count
	 */
	long commands(int slot);

}
