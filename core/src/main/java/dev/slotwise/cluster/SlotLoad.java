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

package dev.slotwise.cluster;

/**
 * Traffic per slot over a recent window, as this application sent it (the hot-slot
 * detector provides one). The {@link ReshardingAdvisor} plans from it.
 */
@FunctionalInterface
public interface SlotLoad {

	/**
	 * Commands sent to a slot over the window.
	 * @param slot the slot, 0 to 16383
	 * @return the count
	 */
	long commands(int slot);

}
