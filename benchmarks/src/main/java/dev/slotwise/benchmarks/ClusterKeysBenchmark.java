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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.slotwise.key.ClusterKeys;
import io.lettuce.core.cluster.SlotHash;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Slot computation and tagged-key building: Slotwise's {@link ClusterKeys} against
 * Lettuce's {@link SlotHash} on the same UTF-8 bytes (the baseline: Slotwise delegates to
 * it and adds the encoding and the checks).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ClusterKeysBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClusterKeysBenchmark {

	@Param({ "user:{12345}:cart", "catalogue:product:8f14e45fceea167a5a36dedd4bea2543" })
	public String key;

	private final ClusterKeys keys = new ClusterKeys();

	/** Not a constant, so that the baseline is not folded away. */
	private String tag = "12345";

	@Benchmark
	public int lettuceSlotHashOfUtf8Bytes() {
		return SlotHash.getSlot(this.key.getBytes(StandardCharsets.UTF_8));
	}

	@Benchmark
	public int slotwiseSlot() {
		return this.keys.slot(this.key);
	}

	@Benchmark
	public String slotwiseTagged() {
		return this.keys.tagged("user", this.tag, "cart");
	}

	@Benchmark
	public String stringConcatenationBaseline() {
		return "user:{" + this.tag + "}:cart";
	}

}
