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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.monitor.ClusterMonitor;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.spring.cache.RedissonSpringCacheManager;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The load and failover drill: the same cache workload through plain Spring Boot 4 (its
 * {@code RedisCacheManager}, Boot's defaults, no Slotwise), Slotwise with its defaults
 * and Redisson's Spring cache with its defaults, on one local 3+3 cluster: a steady state
 * (repeated, the systems interleaved), a SIGKILL of a master, a hung master (SIGSTOP past
 * the node timeout, then SIGCONT) and a live migration of the master's slots. Writes
 * {@code docs/benchmarks.md}'s tables and PNG timelines.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.FailoverDrill [short|long] [docs dir]
 * </pre>
 */
public final class FailoverDrill {

	static final int THREADS = 8;

	static final int KEYS = 3000;

	/**
	 * Percent of calls that are puts: 10 unless the system property
	 * {@code drill.write-percent} says otherwise (0 for a read-only steady state).
	 */
	static final int WRITE_PERCENT = Integer.getInteger("drill.write-percent", 10);

	static final String CACHE = "drill";

	/**
	 * How many times each fault runs ({@code -Ddrill.repeat}, 1 by default): repeated
	 * runs look for rare losses; their tally is printed, not written to the docs.
	 */
	static final int REPEAT = Integer.getInteger("drill.repeat", 1);

	private FailoverDrill() {
	}

	public static void main(String[] args) throws Exception {
		Mode mode = (args.length > 0 && args[0].equals("long")) ? Mode.LONG : Mode.SHORT;
		Path docs = Path.of((args.length > 1) ? args[1] : "docs");
		List<DrillResult> results = new ArrayList<>();
		try (LocalRedisCluster cluster = LocalRedisCluster.builder()
			.masters(3)
			.replicasPerMaster(1)
			.nodeTimeout(Duration.ofSeconds(1))
			.config("cluster-require-full-coverage no")
			// The partition needs a proxy in front of every node; the other scenarios
			// run without one, as they always have.
			.networkFaults(selected(Fault.PARTITION))
			.start()) {
			// Round 0 warms the JVM up and is not reported; the order alternates so that
			// no system always runs first.
			for (int round = 0; round <= mode.steadyRounds && selected(Fault.STEADY); round++) {
				List<SystemUnderTest> order = new ArrayList<>(systems());
				if (round % 2 == 1) {
					Collections.reverse(order);
				}
				for (SystemUnderTest system : order) {
					DrillResult result = run(cluster, system, Fault.STEADY, round, mode);
					System.out.println(result.summary());
					if (round > 0) {
						results.add(result);
					}
				}
			}
			for (Fault fault : Fault.values()) {
				if (fault == Fault.STEADY || !selected(fault)) {
					continue;
				}
				for (int repeat = 0; repeat < REPEAT; repeat++) {
					for (SystemUnderTest system : systems()) {
						DrillResult result = run(cluster, system, fault, repeat, mode);
						results.add(result);
						System.out.println(result.summary());
					}
				}
			}
		}
		if (REPEAT > 1) {
			tally(results);
		}
		if (REPEAT == 1 && systems().size() == SystemUnderTest.values().length && scenarios().isEmpty()) {
			DrillReport.write(results, docs, mode);
		}
		else {
			// A partial run would replace the whole generated section with its few rows.
			System.out.println("Not writing " + docs.resolve("benchmarks.md") + ": the report needs every system "
					+ "and every default scenario (no drill.scenarios, no drill.systems), each run once");
		}
	}

	/**
	 * The systems that run: all of them, unless the system property {@code drill.systems}
	 * lists some ({@code SLOTWISE,PLAIN_BOOT}).
	 */
	private static List<SystemUnderTest> systems() {
		String only = System.getProperty("drill.systems", "");
		return Arrays.stream(SystemUnderTest.values())
			.filter((system) -> only.isBlank() || Arrays.asList(only.split(",")).contains(system.name()))
			.toList();
	}

	private static void tally(List<DrillResult> results) {
		results.stream()
			.filter((result) -> result.fault() != Fault.STEADY)
			.collect(Collectors.groupingBy((result) -> result.fault().title + " / " + result.system().title,
					LinkedHashMap::new, Collectors.toList()))
			.forEach((name, runs) -> System.out.printf(
					"%s: %d runs, %d with acknowledged writes missing (%d missing of %d acknowledged), "
							+ "%d with caller errors; healthy masters' lowest bucket min %.2f, median %.2f%n",
					name, runs.size(), runs.stream().filter((run) -> run.missing() > 0).count(),
					runs.stream().mapToLong(DrillResult::missing).sum(),
					runs.stream().mapToLong(DrillResult::acknowledged).sum(),
					runs.stream().filter((run) -> run.errors() > 0).count(),
					runs.stream().mapToDouble(DrillResult::lowestShareHealthyKeys).min().orElse(Double.NaN),
					DrillReport.median(runs.stream().mapToDouble(DrillResult::lowestShareHealthyKeys).toArray())));
	}

	/**
	 * Whether a scenario runs: every default one, unless the system property
	 * {@code drill.scenarios} lists some ({@code SIGKILL,MIGRATION}). A scenario that is
	 * not a default ({@link Fault#PARTITION}) runs only when listed.
	 */
	private static boolean selected(Fault fault) {
		List<String> only = scenarios();
		return (only.isEmpty() && fault.byDefault) || only.contains(fault.name());
	}

	private static List<String> scenarios() {
		String only = System.getProperty("drill.scenarios", "");
		return only.isBlank() ? List.of() : Arrays.asList(only.split(","));
	}

	private static DrillResult run(LocalRedisCluster cluster, SystemUnderTest system, Fault fault, int round, Mode mode)
			throws Exception {
		cluster.heal();
		cluster.flushAll();
		Duration before = (fault == Fault.STEADY) ? mode.steadyRun : mode.before;
		Duration after = (fault == Fault.STEADY) ? Duration.ZERO : mode.after;
		int buckets = (int) ((before.toMillis() + after.toMillis()) / DrillLog.BUCKET_MILLIS);
		// The victim is the master of the system's first key: for Redisson, whose cache
		// is
		// one hash, the master of every key.
		Partitions view = view(cluster, cluster.masters().get(0));
		String victimId = view.getMasterBySlot(system.slot("k0")).getNodeId();
		ClusterNode victim = cluster.masters()
			.stream()
			.filter((node) -> node.id().equals(victimId))
			.findFirst()
			.orElseThrow();
		ClusterNode other = cluster.masters().stream().filter((node) -> !node.equals(victim)).findFirst().orElseThrow();
		boolean[] onVictim = new boolean[KEYS];
		Set<Integer> victimSlots = new LinkedHashSet<>();
		for (int i = 0; i < KEYS; i++) {
			int slot = system.slot("k" + i);
			onVictim[i] = victimId.equals(view.getMasterBySlot(slot).getNodeId());
			if (onVictim[i]) {
				victimSlots.add(slot);
			}
		}
		ConfigurableApplicationContext context = system.start(cluster);
		Cache cache = Objects.requireNonNull(context.getBean(CacheManager.class).getCache(CACHE));
		Map<String, Ack> acknowledged = new ConcurrentHashMap<>();
		boolean[] writtenSinceFault = new boolean[KEYS];
		DrillLog log = new DrillLog(buckets);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong faultAt = new AtomicLong();
		AtomicLong failoverAt = new AtomicLong();
		AtomicLong servedAgainAt = new AtomicLong();
		// When the network healed (a partition): the victim's keys are served from
		// Redis again after it.
		AtomicLong healedAt = new AtomicLong();
		AtomicReference<RuntimeException> firstError = new AtomicReference<>();
		long start = System.nanoTime();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int lane = t;
			Thread thread = new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				boolean[] loaded = new boolean[1];
				for (int n = 0; running.get(); n++) {
					// Each key belongs to one thread, so its last acknowledged value is
					// known.
					int index = lane + THREADS * random.nextInt(KEYS / THREADS);
					String key = "k" + index;
					boolean read = random.nextInt(100) >= WRITE_PERCENT;
					loaded[0] = false;
					long began = System.nanoTime();
					boolean ok;
					try {
						if (read) {
							cache.get(key, () -> {
								loaded[0] = true;
								return "loaded";
							});
						}
						else {
							String value = "v" + lane + "-" + n;
							cache.put(key, value);
							acknowledged.put(key, new Ack(value, System.nanoTime()));
							if (faultAt.get() != 0) {
								writtenSinceFault[index] = true;
							}
						}
						ok = true;
					}
					catch (RuntimeException ex) {
						ok = false;
						if (firstError.compareAndSet(null, ex)) {
							System.out.printf("  first error seen by a caller of %s, %d ms from the start: %s%n",
									system.title, (System.nanoTime() - start) / 1_000_000, ex);
						}
					}
					long ended = System.nanoTime();
					// A hit on a key not written since the fault can only come from
					// Redis,
					// not from a write buffer.
					boolean victimHit = ok && read && onVictim[index] && !loaded[0] && !writtenSinceFault[index];
					long failover = Math.max(failoverAt.get(), healedAt.get());
					if (victimHit && failover != 0 && ended > failover) {
						servedAgainAt.compareAndSet(0, ended);
					}
					int bucket = (int) ((ended - start) / 1_000_000 / DrillLog.BUCKET_MILLIS);
					if (bucket < buckets) {
						log.record(bucket, ok, onVictim[index], victimHit, ended - began);
					}
				}
			}, system + "-" + t);
			thread.start();
			threads.add(thread);
		}
		Thread.sleep(before.toMillis());
		WriteBuffer writeBuffer = context.getBeanProvider(WriteBuffer.class).getIfAvailable();
		ClusterCache slotwiseCache = (cache instanceof ClusterCache clusterCache) ? clusterCache : null;
		BufferCounts countsAtFault = BufferCounts.of(writeBuffer);
		AtomicLong firstDegradedAt = new AtomicLong();
		AtomicLong reportedUnreachableAt = new AtomicLong();
		ClusterMonitor monitor = context.getBeanProvider(ClusterMonitor.class).getIfAvailable();
		Thread degradedWatcher = new Thread(() -> {
			awaitDegradedRead(slotwiseCache, (slotwiseCache != null) ? slotwiseCache.degradedReads() : 0, running,
					firstDegradedAt);
			awaitUnreachableFromHere(monitor, victim, running, reportedUnreachableAt);
		}, "partition-watcher");
		faultAt.set(System.nanoTime());
		if (fault == Fault.PARTITION) {
			degradedWatcher.start();
		}
		Thread watcher = new Thread(
				() -> awaitFailover(cluster, other, victimId, system.slot("k0"), running, failoverAt),
				"failover-watcher");
		if (fault.failsOver) {
			watcher.start();
		}
		String detail = fault.inject(cluster, victim, other, victimSlots, mode);
		long faultEndAt = (fault == Fault.SIGKILL || fault == Fault.STEADY) ? 0 : System.nanoTime();
		if (fault == Fault.PARTITION) {
			healedAt.set(faultEndAt);
		}
		if (fault == Fault.MIGRATION) {
			Partitions moved = view(cluster, other);
			long keysMoved = IntStream.range(0, KEYS)
				.filter((i) -> other.id().equals(moved.getMasterBySlot(system.slot("k" + i)).getNodeId())
						&& onVictim[i])
				.count();
			detail += String.format(", %,d of the drill's keys among them, in %.1f s", keysMoved,
					(faultEndAt - faultAt.get()) / 1e9);
		}
		long remaining = before.toMillis() + after.toMillis() - (System.nanoTime() - start) / 1_000_000;
		if (remaining > 0) {
			Thread.sleep(remaining);
		}
		running.set(false);
		watcher.join();
		degradedWatcher.join();
		// Threads stuck on a dead master (Boot's default 60 s timeout) return when the
		// context closes.
		for (Thread thread : threads) {
			thread.join(2000);
		}
		if (writeBuffer != null) {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (writeBuffer.pending() > 0 && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
		}
		if (fault == Fault.PARTITION) {
			BufferCounts delta = BufferCounts.of(writeBuffer).minus(countsAtFault);
			detail += String.format(
					"first degraded read %s after the fault; the monitor reported the victim unreachable from here "
							+ "%s after it; writes buffered %,d, replayed %,d, superseded %,d, "
							+ "dropped %,d, left pending %,d; victim's keys served from Redis again %s after the heal",
					(firstDegradedAt.get() != 0)
							? String.format("%,d ms", (firstDegradedAt.get() - faultAt.get()) / 1_000_000) : "never",
					(reportedUnreachableAt.get() != 0)
							? String.format("%,d ms", (reportedUnreachableAt.get() - faultAt.get()) / 1_000_000)
							: "never",
					delta.buffered(), delta.replayed(), delta.superseded(), delta.dropped(),
					(writeBuffer != null) ? writeBuffer.pending() : 0,
					(servedAgainAt.get() != 0) ? String.format("%,d ms", (servedAgainAt.get() - faultEndAt) / 1_000_000)
							: "not within the run");
		}
		if (cache instanceof ClusterCache clusterCache) {
			detail += (detail.isEmpty() ? "" : ", ")
					+ String.format("%,d degraded reads", clusterCache.degradedReads());
		}
		context.close();
		for (Thread thread : threads) {
			thread.join();
		}
		long missing = missing(cluster, system, acknowledged, faultAt.get());
		int faultBucket = (int) ((faultAt.get() - start) / 1_000_000 / DrillLog.BUCKET_MILLIS);
		int faultEndBucket = (faultEndAt != 0) ? (int) ((faultEndAt - start) / 1_000_000 / DrillLog.BUCKET_MILLIS) : -1;
		long failoverMillis = (failoverAt.get() != 0) ? (failoverAt.get() - faultAt.get()) / 1_000_000 : -1;
		long servedAgainMillis = (servedAgainAt.get() != 0 && failoverAt.get() != 0)
				? (servedAgainAt.get() - failoverAt.get()) / 1_000_000 : -1;
		return new DrillResult(system, fault, round, log, Math.min(faultBucket, buckets), faultEndBucket,
				failoverMillis, servedAgainMillis, acknowledged.size(), missing, detail);
	}

	/**
	 * Watches a Slotwise cache's degraded reads from the fault on, every millisecond, and
	 * notes when the first one came.
	 */
	private static void awaitDegradedRead(@Nullable ClusterCache cache, long before, AtomicBoolean running,
			AtomicLong firstDegradedAt) {
		while (cache != null && running.get()) {
			if (cache.degradedReads() > before) {
				firstDegradedAt.set(System.nanoTime());
				return;
			}
			LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
		}
	}

	/**
	 * Watches the cluster monitor's snapshot, every millisecond, until it names the
	 * victim as unreachable from here, and notes when.
	 */
	private static void awaitUnreachableFromHere(@Nullable ClusterMonitor monitor, ClusterNode victim,
			AtomicBoolean running, AtomicLong reportedAt) {
		while (monitor != null && running.get()) {
			if (monitor.snapshot()
				.unreachableFromHere()
				.stream()
				.anyMatch((master) -> master.address().equals(victim.address()))) {
				reportedAt.set(System.nanoTime());
				return;
			}
			LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
		}
	}

	/** A write buffer's counters at one moment. */
	record BufferCounts(long buffered, long replayed, long superseded, long dropped) {

		static BufferCounts of(@Nullable WriteBuffer buffer) {
			if (buffer == null) {
				return new BufferCounts(0, 0, 0, 0);
			}
			return new BufferCounts(buffer.bufferedTotal(), buffer.replayed(), buffer.superseded(),
					buffer.dropped().values().stream().mapToLong(Long::longValue).sum());
		}

		BufferCounts minus(BufferCounts earlier) {
			return new BufferCounts(this.buffered - earlier.buffered, this.replayed - earlier.replayed,
					this.superseded - earlier.superseded, this.dropped - earlier.dropped);
		}

	}

	private static Partitions view(LocalRedisCluster cluster, ClusterNode node) {
		String nodes = cluster.call(node, RedisCommands::clusterNodes);
		return ClusterPartitionParser.parse(nodes);
	}

	/**
	 * Polls a healthy master's view until the victim's slot has another owner: the
	 * cluster's own failover is complete.
	 */
	private static void awaitFailover(LocalRedisCluster cluster, ClusterNode observer, String victimId, int slot,
			AtomicBoolean running, AtomicLong failoverAt) {
		while (running.get()) {
			try {
				Partitions view = view(cluster, observer);
				RedisClusterNode owner = view.getMasterBySlot(slot);
				if (owner != null && !owner.getNodeId().equals(victimId)) {
					failoverAt.set(System.nanoTime());
					return;
				}
			}
			catch (RuntimeException ex) {
				// The observer is busy; ask again.
			}
			LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
		}
	}

	/**
	 * Reads back every acknowledged write through a fresh instance of the same system;
	 * prints the first few that are missing, with when they were acknowledged.
	 */
	private static long missing(LocalRedisCluster cluster, SystemUnderTest system, Map<String, Ack> acknowledged,
			long faultAt) throws InterruptedException {
		cluster.awaitHealthy();
		long missing = 0;
		try (ConfigurableApplicationContext reader = system.start(cluster)) {
			Cache check = Objects.requireNonNull(reader.getBean(CacheManager.class).getCache(CACHE));
			for (Map.Entry<String, Ack> write : acknowledged.entrySet()) {
				Cache.ValueWrapper stored = readBack(check, write.getKey());
				if (stored == null || !write.getValue().value().equals(stored.get())) {
					if (missing++ < 5) {
						System.out.printf("  missing: %s = %s, acknowledged %d ms from the fault; Redis holds %s%n",
								write.getKey(), write.getValue().value(), (write.getValue().at() - faultAt) / 1_000_000,
								(stored != null) ? stored.get() : "nothing");
					}
				}
			}
		}
		return missing;
	}

	/**
	 * Reads one key back. A read that Slotwise degraded (its stall detection or a probe
	 * interval on a loaded machine) says nothing about Redis: it is asked again, for up
	 * to 10 s.
	 */
	private static Cache.@Nullable ValueWrapper readBack(Cache check, String key) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (true) {
			long degradedBefore = (check instanceof ClusterCache slotwise) ? slotwise.degradedReads() : 0;
			Cache.ValueWrapper stored;
			try {
				stored = check.get(key);
			}
			catch (RuntimeException ex) {
				stored = null;
			}
			boolean degraded = check instanceof ClusterCache slotwise && slotwise.degradedReads() != degradedBefore;
			if (!degraded || System.nanoTime() > deadline) {
				return stored;
			}
			Thread.sleep(50);
		}
	}

	/** A write the system acknowledged, and when. */
	record Ack(String value, long at) {
	}

	/** Short runs for a laptop, long runs for the figures. */
	enum Mode {

		SHORT(3, Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(10), 40),

		LONG(5, Duration.ofSeconds(12), Duration.ofSeconds(10), Duration.ofSeconds(30), 150);

		final int steadyRounds;

		final Duration steadyRun;

		final Duration before;

		final Duration after;

		final int migrateSlots;

		Mode(int steadyRounds, Duration steadyRun, Duration before, Duration after, int migrateSlots) {
			this.steadyRounds = steadyRounds;
			this.steadyRun = steadyRun;
			this.before = before;
			this.after = after;
			this.migrateSlots = migrateSlots;
		}

	}

	/**
	 * Keeps the server busy for ARGV[1] microseconds, answering nobody else meanwhile.
	 */
	static final String BUSY = "local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
			+ "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start >= tonumber(ARGV[1]) return 1";

	enum Fault {

		STEADY("Steady state", false) {
			@Override
			String inject(LocalRedisCluster cluster, ClusterNode victim, ClusterNode target, Set<Integer> slots,
					Mode mode) {
				return "";
			}
		},

		SIGKILL("Master SIGKILL", true) {
			@Override
			String inject(LocalRedisCluster cluster, ClusterNode victim, ClusterNode target, Set<Integer> slots,
					Mode mode) {
				cluster.kill(victim);
				return "";
			}
		},

		SIGSTOP("Hung master (SIGSTOP 3 s, then SIGCONT)", true) {
			@Override
			String inject(LocalRedisCluster cluster, ClusterNode victim, ClusterNode target, Set<Integer> slots,
					Mode mode) throws InterruptedException {
				cluster.pause(victim);
				Thread.sleep(3000);
				cluster.resume(victim);
				return "";
			}
		},

		SLOW("Slow but alive master (10 ms scripts back to back for 3 s)", false) {
			@Override
			String inject(LocalRedisCluster cluster, ClusterNode victim, ClusterNode target, Set<Integer> slots,
					Mode mode) {
				long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
				int scripts = 0;
				while (System.nanoTime() < end) {
					cluster.call(victim, (commands) -> commands.eval(BUSY, ScriptOutputType.INTEGER, new String[0],
							Long.toString(Duration.ofMillis(10).toNanos() / 1000)));
					scripts++;
				}
				return String.format("%s ran %,d scripts of 10 ms in 3 s", victim.name(), scripts);
			}
		},

		PARTITION("Master cut off from this instance (blackhole 5 s, then heal)", false, false) {
			@Override
			String inject(LocalRedisCluster cluster, ClusterNode victim, ClusterNode target, Set<Integer> slots,
					Mode mode) throws InterruptedException {
				// The cluster's bus is untouched: it sees the master healthy, and no
				// failover comes.
				cluster.network(victim).blackhole();
				Thread.sleep(5000);
				cluster.network(victim).heal();
				return "";
			}
		},

		MIGRATION("Live slot migration", false) {
			@Override
			String inject(LocalRedisCluster cluster, ClusterNode victim, ClusterNode target, Set<Integer> slots,
					Mode mode) {
				int moved = 0;
				for (int slot : slots) {
					if (moved == mode.migrateSlots) {
						break;
					}
					cluster.migrateSlot(slot, target);
					moved++;
				}
				return String.format("%d slot%s moved from %s to %s", moved, (moved == 1) ? "" : "s", victim.name(),
						target.name());
			}
		};

		final String title;

		final boolean failsOver;

		/**
		 * Whether it runs when {@code drill.scenarios} is not given: not the partition,
		 * which needs a proxy in front of every node (a hop that would change the other
		 * scenarios' figures) and is not in the generated report.
		 */
		final boolean byDefault;

		Fault(String title, boolean failsOver) {
			this(title, failsOver, true);
		}

		Fault(String title, boolean failsOver, boolean byDefault) {
			this.title = title;
			this.failsOver = failsOver;
			this.byDefault = byDefault;
		}

		/**
		 * Injects the fault; returns when it is over (SIGCONT sent, slots moved) or, for
		 * a SIGKILL, at once.
		 */
		abstract String inject(LocalRedisCluster cluster, ClusterNode victim, ClusterNode target, Set<Integer> slots,
				Mode mode) throws InterruptedException;

	}

	enum SystemUnderTest {

		PLAIN_BOOT("plain Spring Boot") {
			@Override
			ConfigurableApplicationContext start(LocalRedisCluster cluster) {
				return application(cluster, null, "spring.cache.type=redis");
			}
		},

		SLOTWISE("Slotwise") {
			@Override
			ConfigurableApplicationContext start(LocalRedisCluster cluster) {
				// For experiments: -Ddrill.slotwise.properties=a=1;b=2 changes Slotwise's
				// settings (the report then no longer shows its defaults).
				String extra = System.getProperty("drill.slotwise.properties", "");
				return application(cluster, null, extra.isBlank() ? new String[0] : extra.split(";"));
			}
		},

		REDISSON("Redisson's Spring cache") {
			@Override
			ConfigurableApplicationContext start(LocalRedisCluster cluster) {
				return application(cluster, RedissonDrillConfiguration.class);
			}

			@Override
			String redisKey(String cacheKey) {
				// RedissonSpringCacheManager keeps a cache in one hash named after it.
				return CACHE;
			}
		};

		final String title;

		SystemUnderTest(String title) {
			this.title = title;
		}

		abstract ConfigurableApplicationContext start(LocalRedisCluster cluster);

		String redisKey(String cacheKey) {
			return CACHE + "::" + cacheKey;
		}

		int slot(String cacheKey) {
			return SlotHash.getSlot(redisKey(cacheKey).getBytes(StandardCharsets.UTF_8));
		}

		ConfigurableApplicationContext application(LocalRedisCluster cluster, Class<?> configuration,
				String... properties) {
			List<String> all = new ArrayList<>(Arrays.asList(properties));
			if (this != SLOTWISE) {
				all.addAll(List.of("slotwise.cluster.enabled=false", "slotwise.cache.enabled=false",
						"slotwise.monitor.enabled=false", "slotwise.rate-limit.enabled=false",
						"spring.autoconfigure.exclude=dev.slotwise.autoconfigure.cache.ClusterCacheAutoConfiguration"));
			}
			all.add("spring.data.redis.cluster.nodes=" + cluster.nodesProperty());
			all.add("logging.level.root=warn");
			all.add("logging.level.org.redisson=off");
			all.add("spring.main.banner-mode=off");
			SpringApplicationBuilder builder = new SpringApplicationBuilder(DrillApplication.class)
				.web(WebApplicationType.NONE)
				.properties(all.toArray(String[]::new));
			if (configuration != null) {
				builder.sources(configuration);
			}
			SpringApplication application = builder.build();
			return application.run();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class DrillApplication {

	}

	/** Redisson's Spring cache with Redisson's defaults, on the drill's cluster. */
	@Configuration(proxyBeanMethods = false)
	static class RedissonDrillConfiguration {

		@Bean(destroyMethod = "shutdown")
		RedissonClient redissonClient(Environment environment) {
			Config config = new Config();
			config.useClusterServers()
				.addNodeAddress(
						Arrays.stream(environment.getRequiredProperty("spring.data.redis.cluster.nodes").split(","))
							.map((node) -> "redis://" + node)
							.toArray(String[]::new));
			return Redisson.create(config);
		}

		@Bean
		CacheManager cacheManager(RedissonClient redisson) {
			return new RedissonSpringCacheManager(redisson);
		}

	}

}
