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

import java.util.Collection;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short JMH smoke that {@code ./mvnw verify} runs: the benchmarks compile, their
 * generated harness runs, and each produces a score. Figures come from the README's
 * benchmark command, not from here.
 */
class JmhSmokeTests {

	@Test
	void everyKeyBenchmarkRunsAndScores() throws Exception {
		Options options = new OptionsBuilder().include(ClusterKeysBenchmark.class.getSimpleName())
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(100))
			.param("key", "user:{1}:cart")
			.build();
		Collection<RunResult> results = new Runner(options).run();
		assertThat(results).hasSize(4)
			.allSatisfy((result) -> assertThat(result.getPrimaryResult().getScore()).isPositive());
	}

	@Test
	void theValueSerializerBenchmarkRunsAndScores() throws Exception {
		Options options = new OptionsBuilder().include(ValueSerializerBenchmark.class.getSimpleName())
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(100))
			.build();
		Collection<RunResult> results = new Runner(options).run();
		assertThat(results).hasSize(4)
			.allSatisfy((result) -> assertThat(result.getPrimaryResult().getScore()).isPositive());
	}

	@Test
	void theCacheHitBenchmarkRunsAgainstALocalCluster() throws Exception {
		Options options = new OptionsBuilder().include(CacheHitBenchmark.class.getSimpleName())
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(200))
			.build();
		Collection<RunResult> results = new Runner(options).run();
		assertThat(results).hasSize(3)
			.allSatisfy((result) -> assertThat(result.getPrimaryResult().getScore()).isPositive());
	}

}
