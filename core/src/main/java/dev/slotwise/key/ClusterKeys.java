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

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import io.lettuce.core.cluster.SlotHash;

/**
 * Keys for Redis Cluster: builds hash-tagged keys, computes a key's slot exactly as Redis
 * does, and stops operations whose keys span slots before they reach the network.
 *
 * <p>
 * Redis hashes the UTF-8 bytes of a key, or, when the key contains a {@code {} followed
 * later by a {@code }} with at least one byte between them, only the bytes between the
 * first {@code {} and the next {@code }}. Slots are {@code CRC16(bytes) mod 16384},
 * computed by Lettuce's {@link SlotHash}; this class only makes sure the bytes are UTF-8
 * whatever the platform's default charset is.
 *
 * <p>
 * Thread-safe and stateless: one instance serves the whole application.
 */
public class ClusterKeys {

	/** The number of slots in a Redis Cluster. */
	public static final int SLOT_COUNT = SlotHash.SLOT_COUNT;

	private static final char SEPARATOR = ':';

	/**
	 * Build {@code namespace:{tag}:part:part...}: every key built with the same tag lands
	 * in the same slot, so multi-key commands and scripts on them are allowed.
	 * @param namespace the leading part, for example {@code user}; no braces
	 * @param tag the hash tag, for example a user id; not empty, no braces
	 * @param parts the trailing parts, for example {@code cart}
	 * @return the key
	 * @throws IllegalArgumentException if the namespace or tag is empty or contains a
	 * brace, or a part is {@code null}
	 */
	public String tagged(String namespace, String tag, String... parts) {
		requireText("namespace", namespace);
		if (namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0) {
			throw new IllegalArgumentException("Namespace '" + namespace + "' contains a brace; a brace before the "
					+ "hash tag would change which bytes Redis hashes. Use a namespace without '{' or '}'.");
		}
		requireText("tag", tag);
		if (tag.indexOf('{') >= 0 || tag.indexOf('}') >= 0) {
			throw new IllegalArgumentException("Hash tag '" + tag + "' contains a brace; Redis would hash only part "
					+ "of it. Use a tag without '{' or '}' (an id, a tenant name).");
		}
		StringBuilder key = new StringBuilder(namespace.length() + tag.length() + 3 + 8 * parts.length);
		key.append(namespace).append(SEPARATOR).append('{').append(tag).append('}');
		for (int i = 0; i < parts.length; i++) {
			if (parts[i] == null) {
				throw new IllegalArgumentException("Key part " + i + " of '" + key + "' is null; every part must be "
						+ "a value (use an empty string for an empty part).");
			}
			key.append(SEPARATOR).append(parts[i]);
		}
		return key.toString();
	}

	private static void requireText(String what, String value) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException("The " + what + " of a tagged key must not be "
					+ ((value == null) ? "null" : "empty") + ": an empty hash tag '{}' makes Redis hash the whole key, "
					+ "so related keys would scatter across slots.");
		}
	}

	/**
	 * The slot of a key, as {@code CLUSTER KEYSLOT} would answer.
	 * @param key the key; its UTF-8 bytes are hashed
	 * @return the slot, 0 to 16383
	 */
	public int slot(String key) {
		Objects.requireNonNull(key, "key must not be null");
		return SlotHash.getSlot(key.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The slot of a binary key, as {@code CLUSTER KEYSLOT} would answer.
	 * @param key the key's bytes
	 * @return the slot, 0 to 16383
	 */
	public int slot(byte[] key) {
		Objects.requireNonNull(key, "key must not be null");
		return SlotHash.getSlot(key);
	}

	/**
	 * Check that keys share one slot, before a multi-key command, transaction or script
	 * sends them.
	 * @param keys at least one key
	 * @return their slot
	 * @throws CrossSlotException naming every key and its slot if they span slots
	 */
	public int requireSameSlot(Collection<String> keys) {
		return requireSameSlot("A multi-key operation", keys, this::slot, Function.identity());
	}

	/**
	 * Check that binary keys share one slot.
	 * @param operation what needs the keys in one slot, for the message (for example
	 * {@code "Script 'rate_limit'"})
	 * @param keys at least one key
	 * @return their slot
	 * @throws CrossSlotException naming every key and its slot if they span slots
	 */
	public int requireSameSlotBinary(String operation, Collection<byte[]> keys) {
		return requireSameSlot(operation, keys, this::slot, ClusterKeys::display);
	}

	private static <K> int requireSameSlot(String operation, Collection<K> keys, ToIntFunction<K> slotOf,
			Function<K, String> display) {
		Objects.requireNonNull(keys, "keys must not be null");
		if (keys.isEmpty()) {
			throw new IllegalArgumentException(operation + " was given no keys; pass at least one key.");
		}
		int first = -1;
		boolean mixed = false;
		for (K key : keys) {
			int slot = slotOf.applyAsInt(Objects.requireNonNull(key, "keys must not contain null"));
			if (first == -1) {
				first = slot;
			}
			else if (slot != first) {
				mixed = true;
				break;
			}
		}
		if (mixed) {
			Map<String, Integer> slots = new LinkedHashMap<>();
			for (K key : keys) {
				slots.put(display.apply(key), slotOf.applyAsInt(key));
			}
			throw new CrossSlotException(operation, slots);
		}
		return first;
	}

	/**
	 * Group keys by slot so that work can be split into one command per slot (MGET, MSET,
	 * DEL and the like).
	 * @param keys the keys
	 * @return slots in the order their first key appears, each with its keys in input
	 * order
	 */
	public Map<Integer, List<String>> groupBySlot(Collection<String> keys) {
		Objects.requireNonNull(keys, "keys must not be null");
		Map<Integer, List<String>> groups = new LinkedHashMap<>();
		for (String key : keys) {
			groups.computeIfAbsent(slot(key), (slot) -> new ArrayList<>()).add(key);
		}
		return groups;
	}

	/**
	 * A binary key as text for messages: its UTF-8 text when it is valid UTF-8, otherwise
	 * {@code 0x} and its hex digits.
	 */
	static String display(byte[] key) {
		try {
			CharBuffer text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(key));
			return text.toString();
		}
		catch (CharacterCodingException ex) {
			return "0x" + HexFormat.of().formatHex(key);
		}
	}

}
