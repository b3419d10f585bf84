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

import org.jspecify.annotations.Nullable;

/**
 * The commands one slot received in the window, as counted on this application instance.
 *
 * @param slot the slot, 0 to 16383
 * @param commands commands with a key in this slot in the window
 * @param share the slot's share of all the window's keyed commands, 0 to 1
 * @param master {@code host:port} of the master that owns the slot in the client's view
 * of the topology, or {@code null} when unknown (no connection factory, or no master owns
 * it)
 */
public record SlotLoad(int slot, long commands, double share, @Nullable String master) {

}
