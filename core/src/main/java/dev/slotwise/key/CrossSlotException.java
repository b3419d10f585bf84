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

package dev.slotwise.key;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.dao.InvalidDataAccessApiUsageException;

/**
 * Keys that must share one Redis Cluster slot (a multi-key command, a transaction, a Lua
 * script) do not. Thrown before anything is sent to Redis; the message names every key
 * and its slot.
 */
public class CrossSlotException extends InvalidDataAccessApiUsageException {

	private final Map<String, Integer> slots;

	/**
	 * Create an exception for keys and the slots they hash to.
	 * @param operation what needed the keys in one slot, for the message
	 * @param slots each key (as text) and its slot, in the caller's order
	 */
	public CrossSlotException(String operation, Map<String, Integer> slots) {
		super(message(operation, slots));
		this.slots = Collections.unmodifiableMap(new LinkedHashMap<>(slots));
	}

	private static String message(String operation, Map<String, Integer> slots) {
		long distinct = slots.values().stream().distinct().count();
		String keys = slots.entrySet()
			.stream()
			.map((entry) -> "'" + entry.getKey() + "' -> slot " + entry.getValue())
			.collect(Collectors.joining(", "));
		return operation + " needs all its keys in one Redis Cluster slot, but they span " + distinct + " slots: "
				+ keys + ". Give the keys a common hash tag (for example 'user:{42}:cart' and 'user:{42}:orders'), "
				+ "or split the work by slot with ClusterKeys.groupBySlot.";
	}

	/**
	 * Each key (as text) and its slot, in the caller's order.
	 * @return the keys and slots
	 */
	public Map<String, Integer> getSlots() {
		return this.slots;
	}

}
