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

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.slotwise.test.LocalRedisCluster;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cache hit path on the same local 3+3 cluster: Spring Boot's own
 * {@code RedisCacheManager} (the baseline) against Slotwise's {@code ClusterCache}, with
 * and without its near cache, each reading a present key through {@code Cache.get}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CacheHitBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheHitBenchmark {

	private LocalRedisCluster cluster;

	private ConfigurableApplicationContext plain;

	private ConfigurableApplicationContext slotwise;

	private ConfigurableApplicationContext near;

	private Cache plainCache;

	private Cache slotwiseCache;

	private Cache nearCache;

	@Setup(Level.Trial)
	public void start() {
		this.cluster = LocalRedisCluster.builder().masters(3).replicasPerMaster(1).start();
		this.plain = FailoverDrill.SystemUnderTest.PLAIN_BOOT.start(this.cluster);
		this.slotwise = FailoverDrill.SystemUnderTest.SLOTWISE.start(this.cluster);
		this.plainCache = Objects.requireNonNull(this.plain.getBean(CacheManager.class).getCache("plain"));
		this.slotwiseCache = Objects.requireNonNull(this.slotwise.getBean(CacheManager.class).getCache("slotwise"));
		this.near = FailoverDrill.SystemUnderTest.SLOTWISE.application(this.cluster, null,
				"slotwise.cache.near.enabled=true");
		this.nearCache = Objects.requireNonNull(this.near.getBean(CacheManager.class).getCache("near"));
		this.plainCache.put("product:{42}", "a cached product");
		this.slotwiseCache.put("product:{42}", "a cached product");
		this.nearCache.put("product:{42}", "a cached product");
		// The first reads go to Redis until the master's tracking is on.
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
		while (((dev.slotwise.cache.ClusterCache) this.nearCache).nearHits() == 0 && System.nanoTime() < deadline) {
			this.nearCache.get("product:{42}");
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.near.close();
		this.slotwise.close();
		this.plain.close();
		this.cluster.close();
	}

	@Benchmark
	public Object springBootRedisCacheHit() {
		return this.plainCache.get("product:{42}");
	}

	@Benchmark
	public Object slotwiseClusterCacheHit() {
		return this.slotwiseCache.get("product:{42}");
	}

	@Benchmark
	public Object slotwiseNearCacheHit() {
		return this.nearCache.get("product:{42}");
	}

}
