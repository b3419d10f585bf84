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

/**
 * One of a hot slot's hottest keys, from a sample of its commands.
 *
 * @param key the key as UTF-8 text, or {@code 0x} and hex digits when it is not valid
 * UTF-8; keys longer than {@link HotSlotCounter#MAX_KEY_BYTES} bytes are cut there and
 * end in {@code …}
 * @param commands the estimated number of commands to the key in the window: its share of
 * the slot's samples times the slot's commands
 * @param shareOfSlot its share of the slot's sampled commands, 0 to 1
 */
public record KeyCount(String key, long commands, double shareOfSlot) {

}
