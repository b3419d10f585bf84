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

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The product catalogue: a stand-in for a slow database, cached in Redis through
 * {@code @Cacheable}. While a master fails over, reads of its slots run this code
 * (misses) and writes are buffered and replayed: callers never see an error.
 */
@Service
public class Catalogue {

	private final Map<String, Product> database = new ConcurrentHashMap<>();

	private final AtomicLong loads = new AtomicLong();

	/**
	 * A product, loaded from the "database" on a cache miss.
	 * @param id the product id
	 * @return the product
	 */
	@Cacheable(cacheNames = "products", sync = true)
	public Product product(String id) {
		this.loads.incrementAndGet();
		return this.database.computeIfAbsent(id, (key) -> new Product(key, "Product " + key, 100));
	}

	/**
	 * Change a product; the cache gets the new value.
	 * @param product the product
	 * @return the product
	 */
	@CachePut(cacheNames = "products", key = "#product.id()")
	public Product update(Product product) {
		this.database.put(product.id(), product);
		return product;
	}

	/**
	 * Remove a product; the cache forgets it.
	 * @param id the product id
	 */
	@CacheEvict(cacheNames = "products")
	public void remove(String id) {
		this.database.remove(id);
	}

	/**
	 * How often the "database" was read.
	 * @return the count
	 */
	public long loads() {
		return this.loads.get();
	}

	/**
	 * A product.
	 *
	 * @param id its id
	 * @param name its name
	 * @param priceCents its price in cents
	 */
	public record Product(String id, String name, long priceCents) {
	}

}
