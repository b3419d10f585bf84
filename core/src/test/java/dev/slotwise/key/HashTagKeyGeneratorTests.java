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

import java.lang.reflect.Method;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.interceptor.SimpleKeyGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The keys {@link HashTagKeyGenerator} builds, without Redis.
 */
class HashTagKeyGeneratorTests {

	private final HashTagKeyGenerator generator = new HashTagKeyGenerator();

	private final Orders orders = new Orders();

	private Object key(String method, Object... args) {
		return this.generator.generate(this.orders, method(Orders.class, method), args);
	}

	private static Method method(Class<?> type, String name) {
		for (Method method : type.getDeclaredMethods()) {
			if (method.getName().equals(name)) {
				return method;
			}
		}
		throw new IllegalArgumentException(name);
	}

	@Test
	void theFirstArgumentIsTheTagAndTheOthersMakeTheRestAsSpringsSimpleKeyGeneratorWould() {
		assertThat(key("byStatus", 42L, "open")).hasToString("{42}:open")
			.isEqualTo(new TaggedKey("42", SimpleKeyGenerator.generateKey("open")));
		assertThat(key("byMonth", 42L, 2026, "open")).hasToString("{42}:SimpleKey [2026, open]")
			.isEqualTo(new TaggedKey("42", new SimpleKey(2026, "open")));
		assertThat(key("all", 42L)).hasToString("{42}").isEqualTo(new TaggedKey("42", SimpleKey.EMPTY));
		assertThat(key("byStatus", 42L, null)).as("a null in the rest, as SimpleKeyGenerator allows")
			.hasToString("{42}:SimpleKey [null]");
		assertThat(key("byStatus", 42L, "open")).isEqualTo(key("byStatus", 42L, "open"))
			.hasSameHashCodeAs(key("byStatus", 42L, "open"))
			.isNotEqualTo(key("byStatus", 42L, "closed"))
			.isNotEqualTo(key("byStatus", 43L, "open"));
	}

	@Test
	void theParameterMarkedCacheTagIsTheTagWhereverItStands() {
		assertThat(key("marked", "open", 42L)).hasToString("{42}:open");
	}

	@Test
	void aCacheTagOnTheInterfaceMethodIsHonoured() {
		Object key = this.generator.generate(this.orders, method(Tagged.class, "onInterface"), "open", 7L);
		assertThat(key).hasToString("{7}:open");
		Object fromImplementation = this.generator.generate(this.orders, method(Orders.class, "onInterface"), "open",
				7L);
		assertThat(fromImplementation).isEqualTo(key);
	}

	@Test
	void everyKeyOfOneTagLandsInTheTagsSlotWhateverTheCacheAndTheRest() {
		ClusterKeys keys = new ClusterKeys();
		int slot = keys.slot("42");
		for (Object key : List.of(key("byStatus", 42L, "open"), key("byMonth", 42L, 2026, "x"), key("all", 42L),
				key("marked", "closed", 42L))) {
			assertThat(keys.slot("orders::" + key)).as("orders::%s", key).isEqualTo(slot);
			assertThat(keys.slot("invoices::" + key)).isEqualTo(slot);
		}
	}

	@Test
	void aNullOrEmptyTagIsAClearErrorNamingTheMethodAndTheParameter() {
		assertThatIllegalArgumentException().isThrownBy(() -> key("byStatus", null, "open"))
			.withMessageContaining("Orders.byStatus(Long, String)")
			.withMessageContaining("the first parameter 'userId'")
			.withMessageContaining("is null")
			.withMessageContaining("@CacheTag");
		assertThatIllegalArgumentException().isThrownBy(() -> key("marked", "open", ""))
			.withMessageContaining("Orders.marked(String, Object)")
			.withMessageContaining("parameter 'userId' (marked @CacheTag)")
			.withMessageContaining("is empty")
			.withMessageContaining("Redis would hash more or less than the tag");
		assertThatIllegalArgumentException().isThrownBy(() -> key("marked", "open", "a{b}"))
			.withMessageContaining("contains a brace ('a{b}')");
		assertThatIllegalArgumentException().isThrownBy(() -> key("marked", "open", new long[] { 1 }))
			.withMessageContaining("is an array (long[])");
	}

	@Test
	void aMethodWithoutParametersOrWithTwoTagsIsAClearError() {
		assertThatIllegalStateException().isThrownBy(() -> key("none"))
			.withMessageContaining("Orders.none()")
			.withMessageContaining("no parameter to take the hash tag from");
		assertThatIllegalStateException().isThrownBy(() -> key("twoTags", 1L, 2L))
			.withMessageContaining("@CacheTag marks both 'userId' and 'tenant'");
	}

	@Test
	void aTaggedKeyAndAHashTagRefuseWhatRedisWouldNotHashAsATag() {
		assertThat(TaggedKey.hashTag(42)).isEqualTo("{42}");
		assertThatIllegalArgumentException().isThrownBy(() -> TaggedKey.hashTag("")).withMessageContaining("is empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new TaggedKey("}", SimpleKey.EMPTY))
			.withMessageContaining("contains a brace");
	}

	interface Tagged {

		Object onInterface(String status, @CacheTag Long userId);

	}

	static class Orders implements Tagged {

		Object byStatus(Long userId, String status) {
			return null;
		}

		Object byMonth(Long userId, int year, String status) {
			return null;
		}

		Object all(Long userId) {
			return null;
		}

		Object marked(String status, @CacheTag Object userId) {
			return null;
		}

		@Override
		public Object onInterface(String status, Long userId) {
			return null;
		}

		Object none() {
			return null;
		}

		Object twoTags(@CacheTag Long userId, @CacheTag Long tenant) {
			return null;
		}

	}

}
