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

import java.io.Serializable;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.SimpleKey;

/**
 * A cache key under a hash tag, as the {@link HashTagKeyGenerator} builds it: as text
 * {@code {tag}:rest}, or {@code {tag}} when nothing else makes up the key. Redis hashes
 * only the tag, so every entry of one tag lives in one slot, on one master, whatever the
 * cache's name and the rest of the key.
 *
 * @param tag the hash tag: not empty, no braces
 * @param rest the rest of the key, built from the other arguments as Spring's
 * {@link org.springframework.cache.interceptor.SimpleKeyGenerator} builds a key
 * ({@link SimpleKey#EMPTY} when there are none)
 */
public record TaggedKey(String tag, Object rest) implements Serializable {

	/**
	 * Check the tag.
	 * @throws IllegalArgumentException if the tag is empty or contains a brace
	 */
	public TaggedKey {
		Objects.requireNonNull(rest, "rest must not be null (use SimpleKey.EMPTY for none)");
		String problem = problem(tag);
		if (problem != null) {
			throw new IllegalArgumentException("The hash tag of a cache key " + problem + ". " + RULE);
		}
	}

	/** What a hash tag must be, and why. */
	static final String RULE = "A hash tag must be a non-empty value without '{' or '}' (an id, a tenant name), "
			+ "or Redis would hash more or less than the tag and the entries of one tag would scatter across slots.";

	/**
	 * The hash tag of a value, as it appears in keys: {@code {value}}.
	 * @param tag the tag's value, for example a user id
	 * @return {@code {tag}}, the text every key of the tag starts with
	 * @throws IllegalArgumentException if the value is {@code null}, an array, or its
	 * text is empty or contains a brace
	 */
	public static String hashTag(@Nullable Object tag) {
		String problem = problem(tag);
		if (problem != null) {
			throw new IllegalArgumentException(
					"The hash tag " + ((tag != null) ? "'" + tag + "' " : "") + problem + ". " + RULE);
		}
		return "{" + tag + "}";
	}

	/**
	 * What is wrong with a value as a hash tag.
	 * @param tag the value
	 * @return a description ("is null", ...), or {@code null} if it makes a good tag
	 */
	static @Nullable String problem(@Nullable Object tag) {
		if (tag == null) {
			return "is null";
		}
		if (tag.getClass().isArray()) {
			return "is an array (" + tag.getClass().getComponentType().getSimpleName() + "[])";
		}
		String text = tag.toString();
		if (text == null || text.isEmpty()) {
			return "is empty";
		}
		if (text.indexOf('{') >= 0 || text.indexOf('}') >= 0) {
			return "contains a brace";
		}
		return null;
	}

	@Override
	public String toString() {
		return "{" + this.tag + "}" + (SimpleKey.EMPTY.equals(this.rest) ? "" : ":" + this.rest);
	}

}
