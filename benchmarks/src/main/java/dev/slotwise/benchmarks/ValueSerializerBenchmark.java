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

package dev.slotwise.benchmarks;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.slotwise.cache.JsonValueSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Reading a cached value: Spring Data Redis's {@code RedisSerializer.json()} (the
 * baseline, which parses every value twice) against Slotwise's
 * {@link JsonValueSerializer} (the same bytes, read once), for the drill's string values
 * and for a small record.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ValueSerializerBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ValueSerializerBenchmark {

	@Param({ "string", "record" })
	public String value;

	private final RedisSerializer<Object> spring = RedisSerializer.json();

	private final JsonValueSerializer slotwise = JsonValueSerializer.create();

	private byte[] stored;

	@Setup
	public void write() {
		Object written = "string".equals(this.value) ? "value-1234-5678"
				: new Product("sku-1", "Kettle", new BigDecimal("19.99"), List.of("kitchen", "tea"), 3);
		this.stored = this.spring.serialize(written);
	}

	@Benchmark
	public Object springDataRedisJson() {
		return this.spring.deserialize(this.stored);
	}

	@Benchmark
	public Object slotwiseJson() {
		return this.slotwise.deserialize(this.stored);
	}

	/**
	 * A small cached record.
	 *
	 * @param sku the product's code
	 * @param name its name
	 * @param price its price
	 * @param tags its tags
	 * @param stock how many are left
	 */
	public record Product(String sku, String name, BigDecimal price, List<String> tags, int stock) {
	}

}
