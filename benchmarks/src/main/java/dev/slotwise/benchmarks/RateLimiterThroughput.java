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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.ratelimit.FailureMode;
import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimiter;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Decisions per second for each rate-limit algorithm on a local 3+3 cluster, next to
 * {@code redis-benchmark} running {@code EVALSHA} of a trivial script against one master
 * in the same run (the ceiling for one script call per decision).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.RateLimiterThroughput [seconds] [threads]
 * </pre>
 */
public final class RateLimiterThroughput {

	private RateLimiterThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int threads = (args.length > 1) ? Integer.parseInt(args[1]) : 8;
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisClusterConfiguration(cluster.seedAddresses()));
			factory.afterPropertiesSet();
			factory.start();
			Map<String, RateLimit> limits = new LinkedHashMap<>();
			limits.put("fixed-window", RateLimit.fixedWindow(1_000_000, Duration.ofSeconds(60)));
			limits.put("sliding-window", RateLimit.slidingWindow(1_000_000, Duration.ofSeconds(60)));
			limits.put("token-bucket", RateLimit.tokenBucket(1_000_000, Duration.ofSeconds(60), 1_000_000));
			limits.put("gcra", RateLimit.gcra(1_000_000, Duration.ofSeconds(60), 1_000_000));
			RateLimiter limiter = new RateLimiter(new StringRedisTemplate(factory), new ClusterKeys(), limits,
					FailureMode.DENY,
					new SlotGuard(new SlotHealth(SlotHealth.DEFAULT_PROBE_INTERVAL, Clock.systemUTC())), "bench",
					Clock.systemUTC());
			System.out.printf(
					"Rate limiter throughput, %d threads, %d s per algorithm, 1,000 subjects over 3 masters%n", threads,
					seconds);
			String baseline = redisBenchmark(cluster, threads, seconds);
			for (String name : limits.keySet()) {
				// Warm-up pass: JIT and connections, not measured.
				run(limiter, name, threads, 1);
			}
			for (String name : limits.keySet()) {
				double perSecond = run(limiter, name, threads, seconds);
				System.out.printf("  %-15s %,10.0f decisions/s%n", name, perSecond);
			}
			System.out.println("  redis-benchmark EVALSHA (one master, same run): " + baseline);
			factory.destroy();
		}
	}

	private static double run(RateLimiter limiter, String name, int threads, int seconds) throws Exception {
		// Warm up: loads the script on every master.
		for (int i = 0; i < 1000; i++) {
			limiter.tryAcquire("subject-" + (i % 1000), name);
		}
		LongAdder decisions = new LongAdder();
		AtomicBoolean running = new AtomicBoolean(true);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int lane = t;
			Thread worker = new Thread(() -> {
				for (int i = lane; running.get(); i += threads) {
					limiter.tryAcquire("subject-" + (i % 1000), name);
					decisions.increment();
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
		return decisions.sum() / (Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0);
	}

	private static String redisBenchmark(LocalRedisCluster cluster, int clients, int seconds) {
		ClusterNode master = cluster.masters().get(0);
		String sha = cluster.call(master, (commands) -> commands.scriptLoad("return redis.call('INCR', KEYS[1])"));
		String key = keyOn(cluster, master);
		try {
			Process process = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p",
					Integer.toString(master.port()), "-c", Integer.toString(clients), "-n",
					Integer.toString(40_000 * seconds), "-q", "EVALSHA", sha, "1", key)
				.redirectErrorStream(true)
				.start();
			StringBuilder output = new StringBuilder();
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					int last = line.lastIndexOf('\r');
					output.setLength(0);
					output.append((last >= 0) ? line.substring(last + 1) : line);
				}
			}
			process.waitFor();
			return output.toString().trim();
		}
		catch (Exception ex) {
			return "not measured (" + ex.getMessage() + "; install redis-tools)";
		}
	}

	private static String keyOn(LocalRedisCluster cluster, ClusterNode master) {
		for (int i = 0;; i++) {
			if (cluster.masterForKey("bench:" + i).equals(master)) {
				return "bench:" + i;
			}
		}
	}

}
