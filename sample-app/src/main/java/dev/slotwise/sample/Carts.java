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

package dev.slotwise.sample;

import java.time.Duration;
import java.util.List;

import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteResult;
import dev.slotwise.key.ClusterKeys;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;

/**
 * User profiles, carts and orders under one hash tag ({@code user:{id}:...}), so that one
 * {@code MGET} on one node reads all three. Cart updates go through the
 * {@link WriteBuffer}: during an outage they are accepted and replayed.
 */
@Service
public class Carts {

	private static final Duration CART_TTL = Duration.ofDays(7);

	private final StringRedisTemplate redis;

	private final ClusterKeys keys;

	private final WriteBuffer writeBuffer;

	Carts(StringRedisTemplate redis, ClusterKeys keys, WriteBuffer writeBuffer) {
		this.redis = redis;
		this.keys = keys;
		this.writeBuffer = writeBuffer;
	}

	/**
	 * A user's profile, cart and orders in one round trip.
	 * @param userId the user
	 * @return the summary
	 */
	public Summary summary(String userId) {
		List<String> keys = List.of(this.keys.tagged("user", userId, "profile"),
				this.keys.tagged("user", userId, "cart"), this.keys.tagged("user", userId, "orders"));
		this.keys.requireSameSlot(keys);
		List<String> values = this.redis.opsForValue().multiGet(keys);
		return new Summary(userId, this.keys.slot(keys.get(0)), value(values, 0), value(values, 1), value(values, 2));
	}

	private static String value(List<String> values, int index) {
		return (values != null && values.get(index) != null) ? values.get(index) : "";
	}

	/**
	 * Replace a user's cart.
	 * @param userId the user
	 * @param cart the cart, as the client sent it
	 * @return what became of the write
	 */
	public WriteResult saveCart(String userId, String cart) {
		return this.writeBuffer.set(this.keys.tagged("user", userId, "cart"), cart, CART_TTL);
	}

	/**
	 * Set a user's profile.
	 * @param userId the user
	 * @param profile the profile
	 * @return what became of the write
	 */
	public WriteResult saveProfile(String userId, String profile) {
		return this.writeBuffer.set(this.keys.tagged("user", userId, "profile"), profile, Duration.ZERO);
	}

	/**
	 * What {@link #summary} returns.
	 *
	 * @param userId the user
	 * @param slot the slot all three keys live in
	 * @param profile the profile, or empty
	 * @param cart the cart, or empty
	 * @param orders the orders, or empty
	 */
	public record Summary(String userId, int slot, String profile, String cart, String orders) {
	}

}
