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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The load and failover drill: the same cache workload through plain Spring Boot 4 (its
 * {@code RedisCacheManager}, Boot's defaults, no Slotwise) and through Slotwise with its
 * defaults, on one local 3+3 cluster, through a SIGKILL of a master and a hung master
 * (SIGSTOP past the node timeout, then SIGCONT). Writes {@code docs/benchmarks.md}'s
 * table and PNG timelines.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.FailoverDrill [short|long] [docs dir]
 * </pre>
 */
public final class FailoverDrill {

	private static final int THREADS = 8;

	private static final int KEYS = 3000;

	private static final long BUCKET_MILLIS = 100;

	private FailoverDrill() {
	}

	public static void main(String[] args) throws Exception {
		boolean longMode = args.length > 0 && args[0].equals("long");
		Path docs = Path.of((args.length > 1) ? args[1] : "docs");
		Duration before = longMode ? Duration.ofSeconds(10) : Duration.ofSeconds(4);
		Duration after = longMode ? Duration.ofSeconds(40) : Duration.ofSeconds(16);
		List<Result> results = new ArrayList<>();
		try (LocalRedisCluster cluster = LocalRedisCluster.builder()
			.masters(3)
			.replicasPerMaster(1)
			.nodeTimeout(Duration.ofSeconds(1))
			.config("cluster-require-full-coverage no")
			.start()) {
			for (Fault fault : Fault.values()) {
				for (SystemUnderTest system : SystemUnderTest.values()) {
					cluster.heal();
					cluster.flushAll();
					Result result = run(cluster, system, fault, before, after);
					results.add(result);
					System.out.println(result.summary());
				}
			}
		}
		write(results, docs, longMode, before, after);
	}

	private static Result run(LocalRedisCluster cluster, SystemUnderTest system, Fault fault, Duration before,
			Duration after) throws Exception {
		ConfigurableApplicationContext context = system.start(cluster);
		Cache cache = Objects.requireNonNull(context.getBean(CacheManager.class).getCache("drill"));
		int buckets = (int) ((before.toMillis() + after.toMillis()) / BUCKET_MILLIS);
		Map<String, String> acknowledged = new ConcurrentHashMap<>();
		LatencyLog log = new LatencyLog(buckets);
		AtomicBoolean running = new AtomicBoolean(true);
		long start = System.nanoTime();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int lane = t;
			Thread thread = new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int n = 0; running.get(); n++) {
					// Each key belongs to one thread, so its last acknowledged value is
					// known.
					String key = "k" + (lane + THREADS * random.nextInt(KEYS / THREADS));
					long began = System.nanoTime();
					boolean ok;
					try {
						if (random.nextInt(10) == 0) {
							String value = "v" + lane + "-" + n;
							cache.put(key, value);
							acknowledged.put(key, value);
						}
						else {
							cache.get(key, () -> "loaded");
						}
						ok = true;
					}
					catch (RuntimeException ex) {
						ok = false;
					}
					long ended = System.nanoTime();
					int bucket = (int) ((ended - start) / 1_000_000 / BUCKET_MILLIS);
					if (bucket < buckets) {
						log.record(bucket, ok, ended - began);
					}
				}
			}, system + "-" + t);
			thread.start();
			threads.add(thread);
		}
		Thread.sleep(before.toMillis());
		ClusterNode victim = cluster.masters().get(0);
		long faultAt = System.nanoTime();
		fault.inject(cluster, victim);
		long resumeAt = fault.resume(cluster, victim);
		long remaining = before.toMillis() + after.toMillis() - (System.nanoTime() - start) / 1_000_000;
		if (remaining > 0) {
			Thread.sleep(remaining);
		}
		running.set(false);
		// Threads stuck on a dead master (Boot's default 60 s timeout) return when the
		// context closes.
		for (Thread thread : threads) {
			thread.join(2000);
		}
		WriteBuffer buffer = context.getBeanProvider(WriteBuffer.class).getIfAvailable();
		if (buffer != null) {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (buffer.pending() > 0 && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
		}
		context.close();
		for (Thread thread : threads) {
			thread.join();
		}
		// Read back every acknowledged write through a fresh instance of the same system.
		long missing = 0;
		cluster.awaitHealthy();
		try (ConfigurableApplicationContext reader = system.start(cluster)) {
			Cache check = Objects.requireNonNull(reader.getBean(CacheManager.class).getCache("drill"));
			for (Map.Entry<String, String> write : acknowledged.entrySet()) {
				Cache.ValueWrapper stored;
				try {
					stored = check.get(write.getKey());
				}
				catch (RuntimeException ex) {
					stored = null;
				}
				if (stored == null || !write.getValue().equals(stored.get())) {
					missing++;
				}
			}
		}
		int faultBucket = (int) ((faultAt - start) / 1_000_000 / BUCKET_MILLIS);
		return new Result(system, fault, log, faultBucket, acknowledged.size(), missing,
				(resumeAt > 0) ? (int) ((resumeAt - start) / 1_000_000 / BUCKET_MILLIS) : -1);
	}

	private static void write(List<Result> results, Path docs, boolean longMode, Duration before, Duration after)
			throws IOException {
		Path images = docs.resolve("images");
		Files.createDirectories(images);
		StringBuilder md = new StringBuilder();
		md.append("# Benchmarks\n\n");
		md.append("Generated by `java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.FailoverDrill ")
			.append(longMode ? "long" : "short")
			.append("` on ")
			.append(LocalDate.now())
			.append(" (2 cores, a local 3+3 cluster of `redis-server`, `cluster-node-timeout` 1 s, ")
			.append("`cluster-require-full-coverage no`). ")
			.append(THREADS)
			.append(" threads call `Cache.get(key, loader)` (90 %) and `Cache.put` (10 %) on ")
			.append(KEYS)
			.append(" keys spread over every slot; ")
			.append(before.toSeconds())
			.append(" s of steady state, then the fault, then ")
			.append(after.toSeconds())
			.append(" s. Plain Spring Boot is Boot 4.0.7's `RedisCacheManager` with Boot's defaults")
			.append(" (no Slotwise on the classpath's auto-configuration); Slotwise is the starter with its")
			.append(" defaults. Figures are from one run on a noisy machine: compare the two systems")
			.append(" within a row, not across runs.\n\n");
		String header = "| scenario | system | steady ops/s | ratio to plain Boot | errors seen by callers | "
				+ "lowest 100 ms bucket after the fault (share of steady) | p50 / p99 / p99.9 of calls completed in "
				+ "the 10 s after the fault (ms) | first second at ≥ 90 % of steady, from the fault (s) | "
				+ "acknowledged writes missing |\n|---|---|---|---|---|---|---|---|---|\n";
		for (Fault fault : Fault.values()) {
			md.append(header);
			Result plain = results.stream()
				.filter((r) -> r.fault == fault && r.system == SystemUnderTest.PLAIN_BOOT)
				.findFirst()
				.orElseThrow();
			for (SystemUnderTest system : SystemUnderTest.values()) {
				Result r = results.stream()
					.filter((each) -> each.fault == fault && each.system == system)
					.findFirst()
					.orElseThrow();
				md.append(String.format("| %s | %s | %,.0f | %.2f | %,d | %.2f | %s | %s | %,d of %,d |%n", fault.title,
						system.title, r.steadyThroughput(), r.steadyThroughput() / plain.steadyThroughput(),
						r.errorsAfterFault(), r.lowestShareAfterFault(), r.percentilesAfterFault(), r.recoverySeconds(),
						r.missing, r.acknowledged));
			}
			String image = "drill-" + fault.name().toLowerCase(java.util.Locale.ROOT) + ".png";
			chart(fault, results, images.resolve(image));
			md.append("\n![").append(fault.title).append("](images/").append(image).append(")\n\n");
		}
		md.append("""
				How to read the plots: calls served (solid) and calls that failed (dashed) per 100 ms;
				the fault happens at 0 s. With Boot's defaults a killed master stalls every thread that
				touches its slots for the 60 s command timeout, so throughput for *all* keys falls to
				what the threads that have not yet hit the dead master can do; Slotwise's topology
				refresh, short timeouts and per-slot fail-fast keep the healthy masters' slots served
				and answer the failed slots from the loader until the replica takes over.
				""");
		// Replace the drill's section of docs/benchmarks.md, keeping the rest.
		Path file = docs.resolve("benchmarks.md");
		String start = "<!-- drill:start -->";
		String end = "<!-- drill:end -->";
		String section = start + "\n"
				+ md.toString().replaceFirst("# Benchmarks\n\n", "## The load and failover drill\n\n") + end;
		String existing = Files.exists(file) ? Files.readString(file) : "";
		int from = existing.indexOf(start);
		int to = existing.indexOf(end);
		String updated = (from >= 0 && to > from)
				? existing.substring(0, from) + section + existing.substring(to + end.length())
				: "# Benchmarks\n\n" + section + "\n";
		Files.writeString(file, updated);
	}

	private static void chart(Fault fault, List<Result> results, Path file) throws IOException {
		XYChart chart = new XYChartBuilder().width(900)
			.height(420)
			.title(fault.title + ": calls per 100 ms")
			.xAxisTitle("seconds from the fault")
			.yAxisTitle("calls")
			.build();
		for (Result r : results) {
			if (r.fault != fault) {
				continue;
			}
			int n = r.log.served.length;
			double[] x = new double[n];
			double[] served = new double[n];
			double[] failed = new double[n];
			for (int i = 0; i < n; i++) {
				x[i] = (i - r.faultBucket) * BUCKET_MILLIS / 1000.0;
				served[i] = r.log.served[i];
				failed[i] = r.log.failed[i];
			}
			chart.addSeries(r.system.title + " served", x, served)
				.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
			chart.addSeries(r.system.title + " failed", x, failed)
				.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE)
				.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
		}
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

	enum Fault {

		SIGKILL("Master SIGKILL") {
			@Override
			void inject(LocalRedisCluster cluster, ClusterNode victim) {
				cluster.kill(victim);
			}

			@Override
			long resume(LocalRedisCluster cluster, ClusterNode victim) {
				return -1;
			}
		},

		SIGSTOP("Hung master (SIGSTOP 3 s, then SIGCONT)") {
			@Override
			void inject(LocalRedisCluster cluster, ClusterNode victim) {
				cluster.pause(victim);
			}

			@Override
			long resume(LocalRedisCluster cluster, ClusterNode victim) throws InterruptedException {
				Thread.sleep(3000);
				cluster.resume(victim);
				return System.nanoTime();
			}
		};

		final String title;

		Fault(String title) {
			this.title = title;
		}

		abstract void inject(LocalRedisCluster cluster, ClusterNode victim);

		abstract long resume(LocalRedisCluster cluster, ClusterNode victim) throws InterruptedException;

	}

	enum SystemUnderTest {

		PLAIN_BOOT("plain Spring Boot") {
			@Override
			ConfigurableApplicationContext start(LocalRedisCluster cluster) {
				return application(cluster, "spring.cache.type=redis", "slotwise.cluster.enabled=false",
						"slotwise.cache.enabled=false", "slotwise.monitor.enabled=false",
						"slotwise.rate-limit.enabled=false", "spring.autoconfigure.exclude="
								+ "dev.slotwise.autoconfigure.cache.ClusterCacheAutoConfiguration");
			}
		},

		SLOTWISE("Slotwise") {
			@Override
			ConfigurableApplicationContext start(LocalRedisCluster cluster) {
				return application(cluster);
			}
		};

		final String title;

		SystemUnderTest(String title) {
			this.title = title;
		}

		abstract ConfigurableApplicationContext start(LocalRedisCluster cluster);

		static ConfigurableApplicationContext application(LocalRedisCluster cluster, String... properties) {
			List<String> all = new ArrayList<>(Arrays.asList(properties));
			all.add("spring.data.redis.cluster.nodes=" + cluster.nodesProperty());
			all.add("logging.level.root=warn");
			all.add("spring.main.banner-mode=off");
			SpringApplication application = new SpringApplicationBuilder(DrillApplication.class)
				.web(WebApplicationType.NONE)
				.properties(all.toArray(String[]::new))
				.build();
			return application.run();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class DrillApplication {

	}

	/** Calls per 100 ms bucket, and their latencies. */
	static final class LatencyLog {

		final long[] served;

		final long[] failed;

		private final List<long[]> latencies = new ArrayList<>();

		private final int[] sizes;

		LatencyLog(int buckets) {
			this.served = new long[buckets];
			this.failed = new long[buckets];
			this.sizes = new int[buckets];
			for (int i = 0; i < buckets; i++) {
				this.latencies.add(new long[256]);
			}
		}

		synchronized void record(int bucket, boolean ok, long nanos) {
			if (ok) {
				this.served[bucket]++;
			}
			else {
				this.failed[bucket]++;
			}
			long[] values = this.latencies.get(bucket);
			if (this.sizes[bucket] == values.length) {
				values = Arrays.copyOf(values, values.length * 2);
				this.latencies.set(bucket, values);
			}
			values[this.sizes[bucket]++] = nanos;
		}

		synchronized long[] latencies(int from, int to) {
			int total = 0;
			for (int i = from; i < to; i++) {
				total += this.sizes[i];
			}
			long[] all = new long[total];
			int at = 0;
			for (int i = from; i < to; i++) {
				System.arraycopy(this.latencies.get(i), 0, all, at, this.sizes[i]);
				at += this.sizes[i];
			}
			Arrays.sort(all);
			return all;
		}

	}

	record Result(SystemUnderTest system, Fault fault, LatencyLog log, int faultBucket, int acknowledged, long missing,
			int resumeBucket) {

		double steadyThroughput() {
			long calls = 0;
			// Skip the first second (warm-up).
			for (int i = 10; i < this.faultBucket; i++) {
				calls += this.log.served[i];
			}
			return calls * 1000.0 / ((this.faultBucket - 10) * BUCKET_MILLIS);
		}

		long errorsAfterFault() {
			long errors = 0;
			for (int i = 0; i < this.log.failed.length; i++) {
				errors += this.log.failed[i];
			}
			return errors;
		}

		double lowestShareAfterFault() {
			double steadyPerBucket = steadyThroughput() * BUCKET_MILLIS / 1000.0;
			long lowest = Long.MAX_VALUE;
			for (int i = this.faultBucket + 1; i < this.log.served.length - 1; i++) {
				lowest = Math.min(lowest, this.log.served[i]);
			}
			return lowest / steadyPerBucket;
		}

		String percentilesAfterFault() {
			int end = Math.min(this.log.served.length, this.faultBucket + 100);
			long[] sorted = this.log.latencies(this.faultBucket, end);
			if (sorted.length == 0) {
				return "no call completed";
			}
			return String.format("%.1f / %.1f / %.1f", at(sorted, 50), at(sorted, 99), at(sorted, 99.9));
		}

		private static double at(long[] sorted, double percentile) {
			int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100 * sorted.length) - 1);
			return sorted[Math.max(0, index)] / 1_000_000.0;
		}

		String recoverySeconds() {
			double steadyPerSecond = steadyThroughput();
			int from = Math.max(this.faultBucket, this.resumeBucket);
			// The first full second after the fault (or the resume) at 90 % of steady
			// state.
			for (int i = from; i + 10 <= this.log.served.length; i++) {
				long calls = 0;
				for (int j = i; j < i + 10; j++) {
					calls += this.log.served[j];
				}
				if (calls >= 0.9 * steadyPerSecond) {
					return String.format("%.1f", (i + 10 - this.faultBucket) * BUCKET_MILLIS / 1000.0);
				}
			}
			return "not within the run";
		}

		String summary() {
			return String.format(
					"%s / %s: steady %.0f ops/s, %d errors, lowest bucket %.2f of steady, %s ms, "
							+ "recovered after %s s, %d of %d acknowledged writes missing",
					this.fault.title, this.system.title, steadyThroughput(), errorsAfterFault(),
					lowestShareAfterFault(), percentilesAfterFault(), recoverySeconds(), this.missing,
					this.acknowledged);
		}

	}

}
