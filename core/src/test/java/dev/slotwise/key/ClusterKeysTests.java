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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Unit tests for {@link ClusterKeys}; slot parity with Redis itself is in
 * {@link SlotParityIntegrationTests}.
 */
class ClusterKeysTests {

	private final ClusterKeys keys = new ClusterKeys();

	@Test
	void taggedBuildsNamespaceTagAndParts() {
		assertThat(this.keys.tagged("user", "123", "cart")).isEqualTo("user:{123}:cart");
		assertThat(this.keys.tagged("user", "123")).isEqualTo("user:{123}");
		assertThat(this.keys.tagged("order", "42", "line", "7")).isEqualTo("order:{42}:line:7");
	}

	@Test
	void keysWithTheSameTagShareASlotWhateverTheirParts() {
		assertThat(this.keys.slot(this.keys.tagged("user", "123", "cart")))
			.isEqualTo(this.keys.slot(this.keys.tagged("session", "123", "x", "y")))
			.isEqualTo(this.keys.slot("123"));
	}

	@Test
	void partsMayContainBracesBecauseOnlyTheFirstTagCounts() {
		String key = this.keys.tagged("user", "1", "{2}");
		assertThat(this.keys.slot(key)).isEqualTo(this.keys.slot("1"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "a{b", "a}b", "{x}" })
	void rejectsEmptyTagsAndTagsWithBraces(String tag) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.tagged("user", tag, "cart"))
			.withMessageContaining((tag.isEmpty()) ? "must not be empty" : "'" + tag + "' contains a brace");
	}

	@Test
	void rejectsANullTagNamespaceOrPart() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.tagged("user", null))
			.withMessageContaining("tag of a tagged key must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.tagged("", "1"))
			.withMessageContaining("namespace of a tagged key must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.tagged("user", "1", "a", null))
			.withMessageContaining("Key part 1 of 'user:{1}:a' is null");
	}

	@Test
	void rejectsANamespaceWithABraceBecauseItWouldMoveTheTag() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.tagged("us{er", "1"))
			.withMessageContaining("Namespace 'us{er' contains a brace");
	}

	@Test
	void hashesUtf8BytesNotUtf16Units() {
		String key = "caf\u00e9:\u6771\u4eac:\ud83d\ude80";
		assertThat(this.keys.slot(key)).isEqualTo(this.keys.slot(key.getBytes(StandardCharsets.UTF_8)));
		assertThat(this.keys.slot(key)).isNotEqualTo(this.keys.slot(key.getBytes(StandardCharsets.UTF_16BE)));
	}

	@Test
	void knownSlotsFromTheRedisClusterSpecification() {
		// CRC16 of "123456789" is 0x31C3 (the specification's check value): 12739 mod
		// 16384.
		assertThat(this.keys.slot("123456789")).isEqualTo(0x31C3 % 16384);
		assertThat(this.keys.slot("foo")).isEqualTo(12182);
		assertThat(this.keys.slot("{user1000}.following")).isEqualTo(this.keys.slot("user1000"));
		assertThat(this.keys.slot("foo{}{bar}"))
			.isEqualTo(this.keys.slot("foo{}{bar}".getBytes(StandardCharsets.UTF_8)));
		assertThat(this.keys.slot("foo{{bar}}zap")).isEqualTo(this.keys.slot("{bar"));
		assertThat(this.keys.slot("foo{bar}{zap}")).isEqualTo(this.keys.slot("bar"));
	}

	@Test
	void requireSameSlotReturnsTheSharedSlot() {
		assertThat(this.keys.requireSameSlot(List.of("user:{1}:a", "user:{1}:b"))).isEqualTo(this.keys.slot("1"));
	}

	@Test
	void requireSameSlotNamesEveryKeyAndSlotWhenTheySpanSlots() {
		assertThatExceptionOfType(CrossSlotException.class)
			.isThrownBy(() -> this.keys.requireSameSlot(List.of("user:1", "order:2", "user:{1}")))
			.satisfies((ex) -> {
				assertThat(ex.getSlots()).containsExactly(Map.entry("user:1", this.keys.slot("user:1")),
						Map.entry("order:2", this.keys.slot("order:2")), Map.entry("user:{1}", this.keys.slot("1")));
				assertThat(ex.getMessage()).contains("'user:1' -> slot " + this.keys.slot("user:1"))
					.contains("'order:2' -> slot " + this.keys.slot("order:2"))
					.contains("span 3 slots")
					.contains("common hash tag");
			});
	}

	@Test
	void requireSameSlotRejectsNoKeys() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.requireSameSlot(List.of()))
			.withMessageContaining("no keys");
	}

	@Test
	void binaryKeysAreShownAsTextOrHexInMessages() {
		byte[] text = "user:1".getBytes(StandardCharsets.UTF_8);
		byte[] binary = { (byte) 0xff, 0x00, 0x10 };
		assertThatExceptionOfType(CrossSlotException.class)
			.isThrownBy(() -> this.keys.requireSameSlotBinary("Lua script abc", List.of(text, binary)))
			.withMessageStartingWith("Lua script abc needs all its keys in one Redis Cluster slot")
			.withMessageContaining("'user:1' -> slot")
			.withMessageContaining("'0xff0010' -> slot");
	}

	@Test
	void groupBySlotKeepsInputOrderWithinAndAcrossGroups() {
		Map<Integer, List<String>> groups = this.keys
			.groupBySlot(List.of("user:{2}:a", "user:{1}:a", "user:{2}:b", "user:{1}:b", "user:{3}"));
		assertThat(groups.keySet()).containsExactly(this.keys.slot("2"), this.keys.slot("1"), this.keys.slot("3"));
		assertThat(groups.get(this.keys.slot("2"))).containsExactly("user:{2}:a", "user:{2}:b");
		assertThat(groups.get(this.keys.slot("1"))).containsExactly("user:{1}:a", "user:{1}:b");
	}

}
