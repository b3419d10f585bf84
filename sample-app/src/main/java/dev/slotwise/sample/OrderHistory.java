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

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.key.HashTagKeyGenerator;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * A user's orders, cached per user and status with the {@link HashTagKeyGenerator}: the
 * user id is the hash tag ({@code orders::{42}:open}), so every cached view of one user
 * lives in one slot, and placing an order evicts them all in one call to that slot's
 * master ({@link ClusterCacheManager#evictTag}), with no scan of the cluster.
 */
@Service
public class OrderHistory {

	private final Map<String, List<Order>> database = new ConcurrentHashMap<>();

	private final AtomicLong loads = new AtomicLong();

	private final ClusterCacheManager cacheManager;

	OrderHistory(ClusterCacheManager cacheManager) {
		this.cacheManager = cacheManager;
	}

	/**
	 * A user's orders in one status, loaded from the "database" on a cache miss.
	 * @param userId the user: the hash tag of the cache key
	 * @param status the status
	 * @return the orders
	 */
	@Cacheable(cacheNames = "orders", keyGenerator = HashTagKeyGenerator.BEAN_NAME)
	public Orders orders(String userId, String status) {
		this.loads.incrementAndGet();
		List<String> ids = this.database.getOrDefault(userId, List.of())
			.stream()
			.filter((order) -> order.status().equals(status))
			.map(Order::id)
			.toList();
		return new Orders(userId, status, String.join(",", ids));
	}

	/**
	 * Place an order: every cached view of the user's orders goes, in one call.
	 * @param userId the user
	 * @return the new order
	 */
	public Order place(String userId) {
		List<Order> orders = this.database.computeIfAbsent(userId, (key) -> new CopyOnWriteArrayList<>());
		Order order = new Order(userId + "-" + (orders.size() + 1), "open");
		orders.add(order);
		this.cacheManager.evictTag("orders", userId);
		return order;
	}

	/**
	 * How often the "database" was read.
	 * @return the count
	 */
	public long loads() {
		return this.loads.get();
	}

	/**
	 * An order.
	 *
	 * @param id its id
	 * @param status its status
	 */
	public record Order(String id, String status) {
	}

	/**
	 * A user's orders in one status.
	 *
	 * @param userId the user
	 * @param status the status
	 * @param ids the orders' ids, comma-separated
	 */
	public record Orders(String userId, String status, String ids) {
	}

}
