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

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.ratelimit.FailureMode;
import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimitScripts;
import dev.slotwise.ratelimit.RateLimiter;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Decisions per second for each rate-limit algorithm on a local 3+3 cluster, as a ratio
 * to a fair baseline measured in the same JVM, with the same threads, in the same run: a
 * plain Lettuce {@link RedisClusterClient} (its own client, one shared stateful cluster
 * connection, the sync API) running {@code EVALSHA} of {@value #BASELINE_SCRIPT} over
 * keys with the same hash tags as the limiter's. The baseline and the algorithms take
 * turns, round after round; the summary gives each algorithm's median ratio.
 *
 * <p>
 * Two workloads: {@code spread}, the threads cycling over 1,000 subjects (about a third
 * of them on each master), and {@code hot}, every thread on one subject, where coalescing
 * (concurrent decisions for one subject and limit sent as one script call) is measured on
 * and off.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.RateLimiterThroughput [seconds] [threads] [rounds] [only]
 * </pre>
 *
 * {@code only}, for profiling one workload at a time, is a comma-separated list of
 * workload name prefixes such as {@code spread/baseline} or {@code hot/}.
 */
public final class RateLimiterThroughput {

	/** The baseline's script: one key, one command, an integer reply. */
	static final String BASELINE_SCRIPT = "return redis.call('INCR', KEYS[1])";

	private static final int SUBJECTS = 1000;

	private RateLimiterThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int threads = (args.length > 1) ? Integer.parseInt(args[1]) : 8;
		int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
		List<String> only = (args.length > 3) ? List.of(args[3].split(",")) : List.of();
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisClusterConfiguration(cluster.seedAddresses()));
			factory.afterPropertiesSet();
			factory.start();
			RedisClusterClient client = RedisClusterClient.create(
					cluster.seedAddresses().stream().map((address) -> RedisURI.create("redis://" + address)).toList());
			StatefulRedisClusterConnection<String, String> connection = client.connect();
			Map<String, RateLimit> limits = new LinkedHashMap<>();
			limits.put("fixed-window", RateLimit.fixedWindow(1_000_000, Duration.ofSeconds(60)));
			limits.put("sliding-window", RateLimit.slidingWindow(1_000_000, Duration.ofSeconds(60)));
			limits.put("token-bucket", RateLimit.tokenBucket(1_000_000, Duration.ofSeconds(60), 1_000_000));
			limits.put("gcra", RateLimit.gcra(1_000_000, Duration.ofSeconds(60), 1_000_000));
			Map<String, RateLimiter> limiters = new LinkedHashMap<>();
			for (boolean coalesce : new boolean[] { true, false }) {
				limiters.put(coalesce ? "" : " coalesce=off",
						new RateLimiter(new StringRedisTemplate(factory), new ClusterKeys(), limits, FailureMode.DENY,
								new SlotGuard(new SlotHealth(SlotHealth.DEFAULT_PROBE_INTERVAL, Clock.systemUTC())),
								"bench", Clock.systemUTC(), RateLimitScripts.defaults(), coalesce));
			}
			Baseline baseline = new Baseline(cluster, connection.sync());
			System.out.printf(Locale.ROOT,
					"Rate limiter throughput, %d threads, %d s per run, %d rounds, a local 3+3 cluster%n"
							+ "baseline: plain Lettuce (sync, one shared cluster connection) EVALSHA \"%s\"%n",
					threads, seconds, rounds, BASELINE_SCRIPT);
			List<Workload> workloads = workloads(limiters, limits, baseline).stream()
				.filter((workload) -> only.isEmpty() || only.stream().anyMatch(workload.name()::startsWith))
				.toList();
			for (Workload workload : workloads) {
				// Warm-up pass: JIT, connections and scripts, not measured.
				run(workload.decider(-1 - workloads.indexOf(workload)), threads, 1);
			}
			Map<String, List<Double>> rates = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				System.out.printf(Locale.ROOT, "round %d%n", round + 1);
				for (Workload workload : workloads) {
					long callsBefore = scriptCalls(limiters);
					Run run = run(workload.decider(round), threads, seconds);
					long calls = scriptCalls(limiters) - callsBefore;
					rates.computeIfAbsent(workload.name(), (name) -> new ArrayList<>()).add(run.perSecond());
					System.out.printf(Locale.ROOT, "  %-34s %,10.0f calls/s%s%n", workload.name(), run.perSecond(),
							(calls > 0) ? String.format(Locale.ROOT, " (%.1f decisions per script call)",
									(double) run.calls() / calls) : "");
				}
			}
			summary(workloads, rates, rounds);
			connection.close();
			client.shutdown();
			factory.destroy();
		}
	}

	private static long scriptCalls(Map<String, RateLimiter> limiters) {
		return limiters.values().stream().mapToLong(RateLimiter::scriptCalls).sum();
	}

	private static List<Workload> workloads(Map<String, RateLimiter> limiters, Map<String, RateLimit> limits,
			Baseline baseline) {
		String[] subjects = new String[SUBJECTS];
		for (int i = 0; i < SUBJECTS; i++) {
			subjects[i] = "subject-" + i;
		}
		List<Workload> workloads = new ArrayList<>();
		workloads.add(new Workload("spread/baseline", null, (round) -> baseline::spread));
		limiters.forEach((variant, limiter) -> {
			for (String name : limits.keySet()) {
				workloads.add(new Workload("spread/" + name + variant, "spread/baseline",
						(round) -> (i) -> limiter.tryAcquire(subjects[i % SUBJECTS], name)));
			}
		});
		workloads.add(new Workload("hot/baseline", null, (round) -> {
			String key = "baseline:{hot-" + round + "}:n";
			return (i) -> baseline.call(key);
		}));
		limiters.forEach((variant, limiter) -> {
			for (String name : limits.keySet()) {
				workloads.add(new Workload("hot/" + name + variant, "hot/baseline", (round) -> {
					// A subject of its own per run: each starts with a full limit.
					String subject = "hot-" + round + variant;
					return (i) -> limiter.tryAcquire(subject, name);
				}));
			}
		});
		return workloads;
	}

	private static void summary(List<Workload> workloads, Map<String, List<Double>> rates, int rounds) {
		System.out.printf(Locale.ROOT, "median over %d rounds (ratio: to the baseline of the same round)%n", rounds);
		for (Workload workload : workloads) {
			List<Double> own = rates.get(workload.name());
			if (workload.baseline() == null || !rates.containsKey(workload.baseline())) {
				System.out.printf(Locale.ROOT, "  %-34s %,10.0f calls/s%n", workload.name(), median(own));
				continue;
			}
			List<Double> base = rates.get(workload.baseline());
			List<Double> ratios = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				ratios.add(own.get(round) / base.get(round));
			}
			System.out.printf(Locale.ROOT, "  %-34s %,10.0f decisions/s  %.2f of baseline (rounds %.2f-%.2f)%n",
					workload.name(), median(own), median(ratios),
					ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
					ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
		}
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static Run run(Decider decider, int threads, int seconds) throws Exception {
		LongAdder calls = new LongAdder();
		AtomicBoolean running = new AtomicBoolean(true);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int lane = t;
			Thread worker = new Thread(() -> {
				for (int i = lane; running.get(); i += threads) {
					decider.decide(i);
					calls.increment();
				}
			});
			worker.start();
			workers.add(worker);
		}
		long start = System.nanoTime();
		Thread.sleep(seconds * 1000L);
		running.set(false);
		for (Thread worker : workers) {
			worker.join();
		}
		return new Run(calls.sum(), calls.sum() / (Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0));
	}

	/** What a run did: its calls, and their rate. */
	private record Run(long calls, double perSecond) {

	}

	/** One call of a workload; {@code i} cycles through the thread's lane. */
	@FunctionalInterface
	private interface Decider {

		void decide(int i);

	}

	/**
	 * A measured workload: its name, the name of the baseline its ratio is taken to, and
	 * its calls for a round.
	 */
	private record Workload(String name, @Nullable String baseline, IntFunction<Decider> deciders) {

		Decider decider(int round) {
			return this.deciders.apply(round);
		}

	}

	/**
	 * The fair baseline: a plain Lettuce sync cluster connection, {@code EVALSHA} of a
	 * trivial one-key script, on keys hashed by the limiter's subjects.
	 */
	private static final class Baseline {

		private final RedisAdvancedClusterCommands<String, String> commands;

		private final String sha;

		private final String[] keys = new String[SUBJECTS];

		Baseline(LocalRedisCluster cluster, RedisAdvancedClusterCommands<String, String> commands) {
			this.commands = commands;
			for (ClusterNode master : cluster.masters()) {
				cluster.call(master, (node) -> node.scriptLoad(BASELINE_SCRIPT));
			}
			this.sha = commands.digest(BASELINE_SCRIPT);
			for (int i = 0; i < SUBJECTS; i++) {
				this.keys[i] = "baseline:{subject-" + i + "}:n";
			}
		}

		void spread(int i) {
			call(this.keys[i % SUBJECTS]);
		}

		void call(String key) {
			this.commands.evalsha(this.sha, ScriptOutputType.INTEGER, key);
		}

	}

}
