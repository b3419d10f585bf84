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
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.slotwise.benchmarks.SoakHistory.Entry;
import dev.slotwise.benchmarks.SoakHistory.Op;
import dev.slotwise.buffer.VersionedValue;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.ratelimit.RateLimiter;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.NetworkFault;
import io.lettuce.core.KillArgs;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The chaos soak: a 3+3 cluster, three application instances in JVMs of their own
 * ({@link SoakInstance}, the first with a near cache), a mixed load through each, and a
 * seeded random schedule of overlapping faults; at the end, {@link SoakChecker} reads the
 * instances' histories and what Redis holds, and reports what was lost, read stale,
 * over-admitted or thrown.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.ChaosSoak
 * smoke|long [output directory]}: {@code smoke} is 60 s with seed 1 and a fault every 8 s
 * or so (what CI runs), {@code long} 30 minutes with a fault every 25 s or so. The system
 * properties {@code soak.seed}, {@code soak.seconds} and {@code soak.fault-seconds}
 * change them, and {@code soak.kinds} ({@code CLUSTER_RESTART,MASTER_HANG}) draws only
 * the kinds it lists. The same seed draws the same faults, on the same masters, in the
 * same order; the load's timing, and so what each fault catches in flight, is the
 * machine's. Exits with 1 if a promise was broken.
 */
public final class ChaosSoak {

	static final int INSTANCES = 3;

	/** The instance that keeps a near cache. */
	static final int NEAR_INSTANCE = 0;

	static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

	private static final long STARTED = System.nanoTime();

	private static final Set<Integer> ALL_SLOTS = IntStream.range(0, SlotHash.SLOT_COUNT)
		.boxed()
		.collect(Collectors.toUnmodifiableSet());

	private ChaosSoak() {
	}

	public static void main(String[] args) throws Exception {
		boolean smoke = args.length == 0 || !args[0].equals("long");
		long seed = Long.getLong("soak.seed", 1);
		long seconds = Long.getLong("soak.seconds", smoke ? 60 : 1800);
		long faultSeconds = Long.getLong("soak.fault-seconds", smoke ? 5 : 15);
		Path out = Path.of((args.length > 1) ? args[1] : "benchmarks/target/soak");
		Files.createDirectories(out);
		System.out.printf("Chaos soak: seed %d, %d s of load, %d s between faults on average; output in %s%n", seed,
				seconds, faultSeconds, out.toAbsolutePath());
		List<FaultRecord> faults = new ArrayList<>();
		SoakChecker.Report report;
		try (LocalRedisCluster cluster = LocalRedisCluster.builder()
			.masters(3)
			.replicasPerMaster(1)
			.nodeTimeout(NODE_TIMEOUT)
			// Every write a node acknowledges is on its disk before the reply, so that
			// the
			// whole cluster's stop and start loses nothing on Redis's side: with the
			// default (everysec) Redis itself loses up to a second of writes at a power
			// loss.
			.config("cluster-require-full-coverage no", "appendonly yes", "appendfsync always")
			.networkFaults(true)
			.start()) {
			List<InstanceProcess> instances = new ArrayList<>();
			try {
				for (int i = 0; i < INSTANCES; i++) {
					instances.add(new InstanceProcess(i, cluster.nodesProperty(), out));
				}
				for (InstanceProcess instance : instances) {
					instance.start();
				}
				long loadStart = System.nanoTime();
				new Schedule(cluster, instances, new SplittableRandom(seed), faultSeconds, faults)
					.run(loadStart + TimeUnit.SECONDS.toNanos(seconds));
				cluster.heal();
				for (ClusterNode node : cluster.nodes()) {
					cluster.network(node).heal();
				}
				cluster.awaitHealthy();
				for (InstanceProcess instance : instances) {
					instance.stop();
				}
			}
			finally {
				instances.forEach(InstanceProcess::kill);
			}
			report = check(cluster, out, faults);
		}
		System.out.println("Faults (" + faults.size() + "):");
		faults.forEach((fault) -> System.out.println("  " + fault.describe()));
		System.out.println("Checker:");
		System.out.print(report.describe());
		Files.writeString(out.resolve("report.txt"), report.describe(), StandardCharsets.UTF_8);
		System.out.println(report.passed() ? "PASSED" : "FAILED: a promise was broken (see above)");
		System.exit(report.passed() ? 0 : 1);
	}

	/** Seconds since the soak started, for the report. */
	static String at(long nanos) {
		return String.format("+%.3f s", (nanos - STARTED) / 1e9);
	}

	private static SoakChecker.Report check(LocalRedisCluster cluster, Path out, List<FaultRecord> faults)
			throws IOException {
		List<Entry> entries = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			entries.addAll(SoakHistory.read(InstanceProcess.history(out, i)));
		}
		Map<String, Long> finalState = new HashMap<>();
		Map<String, Integer> slots = new HashMap<>();
		// A fresh instance of its own reads what Redis holds, through the cache's own
		// decoding.
		try (ConfigurableApplicationContext reader = SoakInstance.start(cluster.nodesProperty(), false,
				out.resolve("journal-checker"))) {
			ClusterCache cache = (ClusterCache) reader.getBean(CacheManager.class).getCache(SoakInstance.CACHE);
			StringRedisTemplate redis = reader.getBean(StringRedisTemplate.class);
			for (int i = 0; i < INSTANCES; i++) {
				for (int k = 0; k < SoakInstance.KEYS; k++) {
					String cacheKey = SoakHistory.cacheKey(i, k);
					Object value = (cache.get(cacheKey) != null) ? cache.get(cacheKey).get() : null;
					finalState.put(cacheKey, (value != null) ? SoakHistory.sequenceOf(value.toString()) : -1L);
					slots.put(cacheKey, SlotHash.getSlot(cache.redisKey(cacheKey)));
					String bufferKey = SoakHistory.bufferKey(i, k);
					byte[] stored = redis.execute((RedisCallback<byte[]>) (connection) -> connection.stringCommands()
						.get(bufferKey.getBytes(StandardCharsets.UTF_8)));
					VersionedValue held = (stored != null) ? VersionedValue.decode(stored) : null;
					finalState.put(bufferKey, (held != null)
							? SoakHistory.sequenceOf(new String(held.payload(), StandardCharsets.UTF_8)) : -1L);
					slots.put(bufferKey, SlotHash.getSlot(bufferKey));
				}
			}
			RateLimiter limiter = reader.getBean(RateLimiter.class);
			for (int s = 0; s < SoakInstance.SUBJECTS; s++) {
				String subject = "subject-" + s;
				slots.put(subject, SlotHash.getSlot(limiter.keysFor(subject, SoakInstance.LIMIT).get(0)));
			}
		}
		SoakChecker checker = new SoakChecker(entries, faults, slots::get, NEAR_INSTANCE, Duration.ofMillis(200), 50,
				Duration.ofSeconds(1), 20);
		SoakChecker.Report report = checker.check(finalState);
		plot(entries, faults, out.resolve("chaos-soak.png"));
		return report;
	}

	/**
	 * The timeline: completed operations per second for each instance, degraded reads,
	 * buffered and replayed writes, and a line where each fault began.
	 */
	private static void plot(List<Entry> entries, List<FaultRecord> faults, Path file) throws IOException {
		Map<String, TreeMap<Long, Double>> series = new java.util.LinkedHashMap<>();
		Map<Integer, long[]> lastReplayed = new HashMap<>();
		for (Entry entry : entries) {
			long second = (entry.end() - STARTED) / 1_000_000_000L;
			if (entry.op() == Op.METRICS) {
				long replayed = entry.counter(3);
				long[] last = lastReplayed.computeIfAbsent(entry.instance(), (i) -> new long[] { 0 });
				long delta = (replayed >= last[0]) ? replayed - last[0] : replayed;
				last[0] = replayed;
				series.computeIfAbsent("writes replayed", (name) -> new TreeMap<>())
					.merge(second, (double) delta, Double::sum);
				continue;
			}
			series
				.computeIfAbsent(
						"instance " + entry.instance()
								+ ((entry.instance() == NEAR_INSTANCE) ? " (near cache) ops/s" : " ops/s"),
						(name) -> new TreeMap<>())
				.merge(second, 1.0, Double::sum);
			if (entry.result().equals("DEGRADED")) {
				series.computeIfAbsent("degraded reads", (name) -> new TreeMap<>()).merge(second, 1.0, Double::sum);
			}
			if (entry.result().equals("BUFFERED")) {
				series.computeIfAbsent("writes buffered", (name) -> new TreeMap<>()).merge(second, 1.0, Double::sum);
			}
			if (entry.op() == Op.ERROR) {
				series.computeIfAbsent("caller errors", (name) -> new TreeMap<>()).merge(second, 1.0, Double::sum);
			}
		}
		XYChart chart = new XYChartBuilder().width(1200)
			.height(520)
			.title("Chaos soak: three instances, overlapping faults")
			.xAxisTitle("seconds")
			.yAxisTitle("per second")
			.build();
		chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
		chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
		long first = series.values().stream().mapToLong(TreeMap::firstKey).min().orElse(0);
		long last = series.values().stream().mapToLong(TreeMap::lastKey).max().orElse(0);
		double top = 0;
		for (Map.Entry<String, TreeMap<Long, Double>> s : series.entrySet()) {
			// A second with nothing in it is a 0 (an instance killed, no degraded read).
			List<Double> x = new ArrayList<>();
			List<Double> y = new ArrayList<>();
			for (long second = first; second <= last; second++) {
				x.add((double) second);
				y.add(s.getValue().getOrDefault(second, 0.0));
			}
			top = Math.max(top, y.stream().mapToDouble(Double::doubleValue).max().orElse(0));
			chart.addSeries(s.getKey(), x, y).setMarker(SeriesMarkers.NONE);
		}
		for (FaultRecord fault : faults) {
			double x = (fault.start() - STARTED) / 1e9;
			chart.addAnnotation(new AnnotationLine(x, true, false));
			chart.addAnnotation(new AnnotationText(fault.kind().label, x, top * 1.02, false));
		}
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

	/**
	 * A fault as it happened.
	 *
	 * @param kind what it was
	 * @param victim the node or instance it hit
	 * @param slots the slots the victim served when it began (none for an instance)
	 * @param start when it began (nanoTime)
	 * @param end when the cluster was whole again (nanoTime)
	 * @param detail what it did
	 */
	record FaultRecord(Kind kind, String victim, Set<Integer> slots, long start, long end, String detail) {

		/**
		 * Whether a failover may have lost the victim's last acknowledged writes:
		 * asynchronous replication.
		 */
		boolean losesReplication() {
			return this.kind.losesReplication;
		}

		String describe() {
			return this.kind.label + " " + this.victim + " from " + at(this.start) + " to " + at(this.end)
					+ (this.detail.isEmpty() ? "" : " (" + this.detail + ")");
		}

	}

	/** The faults the schedule draws from, each as likely as the others. */
	enum Kind {

		MASTER_KILL("kill", true), MASTER_HANG("hang", true), MANUAL_FAILOVER("failover", false),
		MIGRATION("migrate", false), CLIENT_KILL("client-kill", false), NETWORK("network", false),
		INSTANCE_KILL("instance-kill", true), OVERLAP("overlap", true), CLUSTER_RESTART("cluster-restart", false);

		final String label;

		final boolean losesReplication;

		Kind(String label, boolean losesReplication) {
			this.label = label;
			this.losesReplication = losesReplication;
		}

	}

	/** Draws faults from a seeded generator and makes them, one after another. */
	static final class Schedule {

		private final LocalRedisCluster cluster;

		private final List<InstanceProcess> instances;

		private final SplittableRandom random;

		private final long faultSeconds;

		private final List<FaultRecord> faults;

		private final List<Kind> deck = new ArrayList<>();

		Schedule(LocalRedisCluster cluster, List<InstanceProcess> instances, SplittableRandom random, long faultSeconds,
				List<FaultRecord> faults) {
			this.cluster = cluster;
			this.instances = instances;
			this.random = random;
			this.faultSeconds = faultSeconds;
			this.faults = faults;
		}

		void run(long until) throws Exception {
			while (true) {
				// The pause between faults is part of the schedule, drawn from its seed.
				long pause = TimeUnit.SECONDS.toMillis(this.faultSeconds) / 2
						+ this.random.nextLong(TimeUnit.SECONDS.toMillis(this.faultSeconds));
				if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) >= until) {
					return;
				}
				Thread.sleep(pause);
				Kind kind = nextKind();
				List<ClusterNode> masters = this.cluster.masters();
				ClusterNode victim = masters.get(this.random.nextInt(masters.size()));
				ClusterNode other = masters.stream()
					.filter((node) -> !node.equals(victim))
					.toList()
					.get(this.random.nextInt(masters.size() - 1));
				FaultRecord fault = make(kind, victim, other);
				this.faults.add(fault);
				System.out.println(fault.describe());
			}
		}

		/**
		 * The next kind of fault: the kinds are dealt from a deck that the seed shuffles
		 * again each time it runs out, so that a short run sees many kinds and a long one
		 * each kind as often.
		 */
		private Kind nextKind() {
			if (this.deck.isEmpty()) {
				this.deck.addAll(kinds());
				for (int i = this.deck.size() - 1; i > 0; i--) {
					Collections.swap(this.deck, i, this.random.nextInt(i + 1));
				}
			}
			return this.deck.remove(this.deck.size() - 1);
		}

		/**
		 * Every kind, or those the system property {@code soak.kinds} lists
		 * ({@code CLUSTER_RESTART,MASTER_HANG}).
		 */
		private static List<Kind> kinds() {
			String only = System.getProperty("soak.kinds", "");
			if (only.isBlank()) {
				return List.of(Kind.values());
			}
			List<Kind> kinds = new ArrayList<>();
			for (String name : only.split(",")) {
				try {
					kinds.add(Kind.valueOf(name.trim()));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("soak.kinds lists '" + name
							+ "', which is not a fault kind; use " + "some of " + List.of(Kind.values()), ex);
				}
			}
			return kinds;
		}

		private FaultRecord make(Kind kind, ClusterNode victim, ClusterNode other) throws Exception {
			Set<Integer> slots = (kind == Kind.CLUSTER_RESTART) ? ALL_SLOTS : slotsOf(victim);
			long start = System.nanoTime();
			String detail = switch (kind) {
				case MASTER_KILL -> killAndRestart(victim, null);
				case MASTER_HANG -> hang(victim);
				case MANUAL_FAILOVER -> "replaced by " + this.cluster.failover(victim).name();
				case MIGRATION -> migrate(victim, other, slots);
				case CLIENT_KILL -> clientKill();
				case NETWORK -> network(victim);
				case INSTANCE_KILL ->
					killAndRestart(victim, this.instances.get(this.random.nextInt(this.instances.size())));
				case OVERLAP -> overlap(victim, other);
				case CLUSTER_RESTART -> restartCluster();
			};
			this.cluster.awaitHealthy();
			return new FaultRecord(kind, (kind == Kind.CLUSTER_RESTART) ? "every node" : victim.name(), slots, start,
					System.nanoTime(), detail);
		}

		/**
		 * SIGKILL of a master; with an instance, a second later (it holds buffered writes
		 * by then) a SIGKILL of that instance too, which restarts once the cluster has
		 * failed over; the master restarts a few seconds after that.
		 */
		private String killAndRestart(ClusterNode master, InstanceProcess instance) throws Exception {
			long downFor = 2000 + this.random.nextLong(4000);
			this.cluster.kill(master);
			String detail = "down " + downFor + " ms";
			if (instance != null) {
				Thread.sleep(1000);
				instance.kill();
				detail += "; instance " + instance.index + " killed 1 s in, restarted after the failover";
			}
			this.cluster.awaitHealthy();
			if (instance != null) {
				instance.start();
			}
			Thread.sleep(downFor);
			this.cluster.restart(master);
			return detail;
		}

		/**
		 * Every node SIGKILLed, as at a power loss, and all of them started again a few
		 * seconds later from their append-only files and {@code nodes.conf}.
		 */
		private String restartCluster() throws InterruptedException {
			long downFor = 2000 + this.random.nextLong(4000);
			List<ClusterNode> nodes = this.cluster.nodes();
			nodes.forEach(this.cluster::kill);
			Thread.sleep(downFor);
			nodes.forEach(this.cluster::restart);
			return "all " + nodes.size() + " nodes SIGKILLed, down " + downFor + " ms";
		}

		private String hang(ClusterNode master) throws InterruptedException {
			long pausedFor = NODE_TIMEOUT.toMillis() + 1000 + this.random.nextLong(2000);
			this.cluster.pause(master);
			Thread.sleep(pausedFor);
			this.cluster.resume(master);
			return "SIGSTOP " + pausedFor + " ms";
		}

		private String migrate(ClusterNode master, ClusterNode target, Set<Integer> slots) {
			List<Integer> owned = new ArrayList<>(slots);
			int count = 1 + this.random.nextInt(3);
			List<Integer> moved = new ArrayList<>();
			for (int i = 0; i < count && !owned.isEmpty(); i++) {
				int slot = owned.remove(this.random.nextInt(owned.size()));
				this.cluster.migrateSlot(slot, target);
				moved.add(slot);
			}
			return "slots " + moved + " to " + target.name();
		}

		private String clientKill() {
			long killed = 0;
			for (ClusterNode node : this.cluster.nodes()) {
				killed += this.cluster.call(node, (commands) -> commands.clientKill(KillArgs.Builder.typeNormal()));
			}
			return killed + " client connections";
		}

		private String network(ClusterNode master) throws InterruptedException {
			NetworkFault fault = NetworkFault.random(this.random);
			long heldFor = 2000 + this.random.nextLong(3000);
			fault.applyTo(this.cluster.network(master));
			Thread.sleep(heldFor);
			this.cluster.network(master).heal();
			return fault + " for " + heldFor + " ms";
		}

		/** A master killed while another one's network fails. */
		private String overlap(ClusterNode killed, ClusterNode cutOff) throws Exception {
			SplittableRandom split = this.random.split();
			CompletableFuture<String> network = CompletableFuture.supplyAsync(() -> {
				NetworkFault fault = NetworkFault.random(split);
				fault.applyTo(this.cluster.network(cutOff));
				try {
					Thread.sleep(3000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				this.cluster.network(cutOff).heal();
				return fault.toString();
			});
			String kill = killAndRestart(killed, null);
			return "kill, " + kill + ", while " + cutOff.name() + " has " + network.join() + " for 3 s";
		}

		private Set<Integer> slotsOf(ClusterNode master) {
			Set<Integer> slots = new HashSet<>();
			String nodes = this.cluster.call(master, (commands) -> commands.clusterNodes());
			for (RedisClusterNode node : ClusterPartitionParser.parse(nodes)) {
				if (node.getNodeId().equals(master.id())) {
					slots.addAll(node.getSlots());
				}
			}
			return slots;
		}

	}

	/** One {@link SoakInstance}'s JVM, started again after a kill. */
	static final class InstanceProcess {

		private final int index;

		private final String nodes;

		private final Path out;

		private Process process;

		InstanceProcess(int index, String nodes, Path out) {
			this.index = index;
			this.nodes = nodes;
			this.out = out;
		}

		static Path history(Path out, int index) {
			return out.resolve("history-" + index + ".tsv");
		}

		void start() throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp",
					System.getProperty("java.class.path"), SoakInstance.class.getName(), Integer.toString(this.index),
					this.nodes, history(this.out, this.index).toString(), Boolean.toString(this.index == NEAR_INSTANCE),
					this.out.resolve("journal-" + this.index).toString(), Integer.toString(INSTANCES))
				.redirectError(
						ProcessBuilder.Redirect.appendTo(this.out.resolve("instance-" + this.index + ".log").toFile()));
			this.process = builder.start();
			// Its standard output is read to the end, into its log, so that it never
			// blocks on a full pipe.
			CompletableFuture<Void> ready = new CompletableFuture<>();
			Path log = this.out.resolve("instance-" + this.index + ".out");
			Process started = this.process;
			Thread reader = new Thread(() -> {
				try (BufferedReader lines = new BufferedReader(
						new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = lines.readLine()) != null) {
						if (line.equals("READY")) {
							ready.complete(null);
						}
						Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
								StandardOpenOption.APPEND);
					}
				}
				catch (IOException ex) {
					// The instance was killed.
				}
				ready.completeExceptionally(new IllegalStateException("Instance " + this.index
						+ " exited before it was ready; see " + this.out.resolve("instance-" + this.index + ".log")));
			}, "soak-instance-" + this.index + "-output");
			reader.setDaemon(true);
			reader.start();
			try {
				ready.get(120, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("Instance " + this.index + " did not start; see "
						+ this.out.resolve("instance-" + this.index + ".log"), ex);
			}
		}

		/** Close its standard input and wait for it to drain its buffer and exit. */
		void stop() throws IOException, InterruptedException {
			this.process.getOutputStream().close();
			if (!this.process.waitFor(90, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Instance " + this.index + " did not stop within 90 s");
			}
		}

		/** SIGKILL, through its handle so that what it wrote stays readable. */
		void kill() {
			if (this.process != null && this.process.isAlive()) {
				this.process.toHandle().destroyForcibly();
				this.process.onExit().join();
			}
		}

	}

	static {
		// Make sure no instance outlives the runner, even if it is stopped with Ctrl-C.
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> ProcessHandle.current()
				.descendants()
				.filter((child) -> child.info().command().map((command) -> command.endsWith("java")).orElse(false))
				.forEach(ProcessHandle::destroyForcibly)));
	}

}
