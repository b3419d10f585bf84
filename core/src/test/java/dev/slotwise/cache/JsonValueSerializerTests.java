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

package dev.slotwise.cache;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import org.springframework.cache.support.NullValue;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.SerializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link JsonValueSerializer} keeps {@link RedisSerializer#json()}'s format both ways, so
 * that a cache written by one is read by the other, and reads what Spring's serializer
 * reads.
 */
class JsonValueSerializerTests {

	private final RedisSerializer<Object> spring = RedisSerializer.json();

	private final JsonValueSerializer slotwise = JsonValueSerializer.create();

	static Stream<Object> values() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("a", 1);
		map.put("b", List.of("x", "y"));
		List<Object> list = new ArrayList<>(List.of("one", 2, 3.5, true));
		return Stream.of("a string", "", 42, 42L, 3.25, true, new BigDecimal("12.50"), map, list,
				new LinkedHashSet<>(List.of("s", "t")), new String[] { "p", "q" },
				new Product("sku-1", "Kettle", new BigDecimal("19.99"), List.of("kitchen", "tea"), Kind.PHYSICAL),
				new Basket(7L,
						new ArrayList<>(List.of(new Product("sku-2", "Tea", BigDecimal.ONE, List.of(), Kind.DIGITAL))),
						Instant.parse("2026-12-02T18:00:00Z").toEpochMilli()),
				NullValue.INSTANCE);
	}

	@ParameterizedTest
	@MethodSource("values")
	void writesTheBytesSpringsSerializerWrites(Object value) {
		assertThat(this.slotwise.serialize(value)).isEqualTo(this.spring.serialize(value));
	}

	@ParameterizedTest
	@MethodSource("values")
	void readsWhatSpringsSerializerReadsFromEitherSerializersBytes(Object value) {
		Object expected = this.spring.deserialize(this.spring.serialize(value));
		Object read = this.slotwise.deserialize(this.spring.serialize(value));
		assertThat(read).hasSameClassAs(expected);
		assertThat(this.spring.deserialize(this.slotwise.serialize(value))).hasSameClassAs(expected);
		if (!(expected instanceof NullValue)) {
			// NullValue has no equals: Jackson makes a new one, for either serializer.
			assertThat(read).isEqualTo(expected);
			assertThat(this.spring.deserialize(this.slotwise.serialize(value))).isEqualTo(expected);
		}
	}

	@Test
	void aTypedObjectComesBackAsItsType() {
		Product product = new Product("sku-3", "Cup", new BigDecimal("4.00"), List.of("kitchen"), Kind.PHYSICAL);
		assertThat(this.slotwise.deserialize(this.slotwise.serialize(product))).isEqualTo(product);
	}

	@Test
	void aPropertyBeforeTheTypeHintIsRead() {
		Product product = new Product("sku-4", "Cup", new BigDecimal("4.00"), List.of("kitchen"), Kind.PHYSICAL);
		String written = new String(this.spring.serialize(product), StandardCharsets.UTF_8);
		String hint = "\"@class\":\"" + Product.class.getName() + "\",";
		assertThat(written).startsWith("{" + hint);
		String reordered = written.replace(hint, "").replace("\"kind\":\"PHYSICAL\"", "\"kind\":\"PHYSICAL\"," + hint);
		reordered = reordered.substring(0, reordered.length() - 2) + "}";
		byte[] bytes = reordered.getBytes(StandardCharsets.UTF_8);
		assertThat(this.slotwise.deserialize(bytes)).isEqualTo(product).isEqualTo(this.spring.deserialize(bytes));
	}

	@Test
	void whatIsNotJsonFailsAsSpringsSerializerFails() {
		byte[] garbage = "{not json".getBytes();
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> this.spring.deserialize(garbage));
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> this.slotwise.deserialize(garbage));
	}

	@Test
	void emptyAndNullAreNull() {
		assertThat(this.slotwise.deserialize(new byte[0])).isNull();
		assertThat(this.slotwise.deserialize(null)).isNull();
	}

	enum Kind {

		PHYSICAL, DIGITAL

	}

	record Product(String sku, String name, BigDecimal price, List<String> tags, Kind kind) {
	}

	record Basket(long owner, List<Product> items, long createdAt) {
	}

}
