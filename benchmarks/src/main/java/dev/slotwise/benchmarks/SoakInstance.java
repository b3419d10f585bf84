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

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteResult;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.ratelimit.RateLimitDecision;
import dev.slotwise.ratelimit.RateLimiter;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One application instance of the {@link ChaosSoak}, in a JVM of its own: a Slotwise
 * application that drives a mixed load and records every operation in its history file.
 * It runs until its standard input closes, then lets its write buffer drain and exits.
 * <p>
 * Each key is written by one thread of one instance only, so that the checker can order a
 * key's writes by the sequence number its value carries. Every instance reads every
 * instance's keys.
 *
 * @see SoakHistory the history's format
 */
public final class SoakInstance {

	/** Cache keys each instance writes. */
	static final int KEYS = 200;

	/** Writer threads per instance; a key belongs to one of them. */
	static final int WRITERS = 2;

	/** Subjects the instances share for their rate-limit decisions. */
	static final int SUBJECTS = 3;

	static final String CACHE = "soak";

	static final String LIMIT = "soak";

	private SoakInstance() {
	}

	/**
	 * Run one instance.
	 * @param args the instance's index, the cluster's nodes, the history file, whether
	 * its caches keep a near cache, its journal's directory and the number of instances
	 * @throws Exception if it cannot start
	 */
	public static void main(String[] args) throws Exception {
		int index = Integer.parseInt(args[0]);
		String nodes = args[1];
		Path history = Path.of(args[2]);
		boolean near = Boolean.parseBoolean(args[3]);
		Path journal = Path.of(args[4]);
		int instances = Integer.parseInt(args[5]);
		try (ConfigurableApplicationContext context = start(nodes, near, journal);
				SoakHistory.Writer out = new SoakHistory.Writer(new FileOutputStream(history.toFile(), true))) {
			Load load = new Load(index, instances, context, out);
			load.start();
			System.out.println("READY");
			System.out.flush();
			// The runner closes this instance's standard input to stop it, or kills it.
			while (System.in.read() != -1) {
				// Nothing is sent on it.
			}
			load.stop();
			WriteBuffer buffer = context.getBean(WriteBuffer.class);
			long drainDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (buffer.pending() > 0 && System.nanoTime() < drainDeadline) {
				LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
			}
			load.metrics();
			System.out.println("DRAINED " + buffer.pending());
			System.out.flush();
		}
	}

	static ConfigurableApplicationContext start(String nodes, boolean near, Path journal) throws IOException {
		Files.createDirectories(journal);
		List<String> properties = new ArrayList<>(List.of("spring.data.redis.cluster.nodes=" + nodes,
				"spring.main.banner-mode=off", "logging.level.root=warn",
				// Kept until evicted, so that a value missing at the end was lost.
				"slotwise.cache.caches.soak.ttl=0", "slotwise.cache.caches.soak.last-value-capacity=2000",
				"slotwise.cache.caches.catalogue.ttl=30s", "slotwise.write-buffer.journal.enabled=true",
				"slotwise.write-buffer.journal.directory=" + journal.toAbsolutePath(),
				"slotwise.rate-limit.limits.soak.algorithm=token-bucket", "slotwise.rate-limit.limits.soak.permits=50",
				"slotwise.rate-limit.limits.soak.window=1s", "slotwise.rate-limit.limits.soak.burst=20"));
		if (near) {
			properties.add("slotwise.cache.near.enabled=true");
		}
		return new SpringApplicationBuilder(SoakApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	/** The instance's threads: writers, a reader, a loader and a rate-limited caller. */
	static final class Load {

		private final int index;

		private final int instances;

		private final ClusterCache cache;

		private final WriteBuffer buffer;

		private final RateLimiter limiter;

		private final Catalogue catalogue;

		private final SoakHistory.Writer out;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicLong ops = new AtomicLong();

		/**
		 * Sequence numbers above any an earlier run of this instance gave out: a restart
		 * after a SIGKILL goes on from the clock.
		 */
		private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);

		private final List<Thread> threads = new ArrayList<>();

		Load(int index, int instances, ConfigurableApplicationContext context, SoakHistory.Writer out) {
			this.index = index;
			this.instances = instances;
			this.cache = (ClusterCache) context.getBean(CacheManager.class).getCache(CACHE);
			this.buffer = context.getBean(WriteBuffer.class);
			this.limiter = context.getBean(RateLimiter.class);
			this.catalogue = context.getBean(Catalogue.class);
			this.out = out;
		}

		void start() {
			for (int writer = 0; writer < WRITERS; writer++) {
				int owned = writer;
				this.threads.add(thread("writer-" + writer, (random) -> write(owned, random), Duration.ofMillis(4)));
			}
			this.threads.add(thread("reader", this::read, Duration.ofMillis(2)));
			this.threads.add(thread("loader", this::load, Duration.ofMillis(5)));
			this.threads.add(thread("limiter", this::decide, Duration.ofMillis(4)));
			this.threads.add(thread("metrics", (random) -> metrics(), Duration.ofSeconds(1)));
			this.threads.forEach(Thread::start);
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

		/**
		 * A thread that calls {@code step} at a steady pace (pacing the load, not waiting
		 * for a condition).
		 */
		private Thread thread(String name, Step step, Duration pace) {
			SplittableRandom random = new SplittableRandom(this.index * 1000L + this.threads.size());
			Thread thread = new Thread(() -> {
				while (this.running.get()) {
					step.run(random);
					LockSupport.parkNanos(pace.toNanos());
				}
			}, "soak-" + name);
			thread.setDaemon(true);
			return thread;
		}

		private void write(int writer, SplittableRandom random) {
			int key = random.nextInt(KEYS / WRITERS) * WRITERS + writer;
			long seq = this.sequence.incrementAndGet();
			int kind = random.nextInt(10);
			long start = System.nanoTime();
			try {
				if (kind < 3) {
					String bufferKey = SoakHistory.bufferKey(this.index, key);
					// Versioned, as the buffer's own advice goes for values only Slotwise
					// writes: a replay never overwrites a newer value, and does overwrite
					// an
					// older one (a plain set is replayed only over an absent key).
					WriteResult result = this.buffer.setVersioned(bufferKey.getBytes(StandardCharsets.UTF_8),
							Long.toString(seq).getBytes(StandardCharsets.UTF_8), Duration.ZERO);
					this.out.record(SoakHistory.Op.BSET, this.index, start, System.nanoTime(), bufferKey, seq,
							result.acknowledged() ? result.status().name() : "REJECTED:" + result.reason());
					return;
				}
				String cacheKey = SoakHistory.cacheKey(this.index, key);
				SoakHistory.Op op;
				if (kind < 9) {
					op = SoakHistory.Op.PUT;
					this.cache.put(cacheKey, this.index + ":" + seq);
				}
				else {
					op = SoakHistory.Op.EVICT;
					this.cache.evict(cacheKey);
				}
				// The write counts as returned once it is known where it is: one the
				// buffer replays between the two readings is in Redis by the second.
				boolean held = this.buffer
					.pendingWrite(this.cache.redisKey(cacheKey).getBytes(StandardCharsets.UTF_8)) != null;
				this.out.record(op, this.index, start, System.nanoTime(), cacheKey, seq, held ? "BUFFERED" : "WRITTEN");
			}
			catch (RuntimeException ex) {
				this.out.error(this.index, start, ex);
			}
			finally {
				this.ops.incrementAndGet();
			}
		}

		private void read(SplittableRandom random) {
			String cacheKey = SoakHistory.cacheKey(random.nextInt(this.instances), random.nextInt(KEYS));
			long start = System.nanoTime();
			try {
				// The only thread that reads this cache: the count's change is this
				// read's.
				long degradedBefore = this.cache.degradedReads();
				Cache.ValueWrapper found = this.cache.get(cacheKey);
				long end = System.nanoTime();
				boolean degraded = this.cache.degradedReads() != degradedBefore;
				Object value = (found != null) ? found.get() : null;
				this.out.record(SoakHistory.Op.GET, this.index, start, end, cacheKey,
						(value != null) ? SoakHistory.sequenceOf(value.toString()) : -1, degraded ? "DEGRADED" : "OK");
			}
			catch (RuntimeException ex) {
				this.out.error(this.index, start, ex);
			}
			finally {
				this.ops.incrementAndGet();
			}
		}

		private void load(SplittableRandom random) {
			long start = System.nanoTime();
			try {
				String product = this.catalogue.product(random.nextInt(500));
				if (product == null) {
					throw new IllegalStateException("@Cacheable returned null for a product its method always finds");
				}
			}
			catch (RuntimeException ex) {
				this.out.error(this.index, start, ex);
			}
			finally {
				this.ops.incrementAndGet();
			}
		}

		private void decide(SplittableRandom random) {
			String subject = "subject-" + random.nextInt(SUBJECTS);
			long start = System.nanoTime();
			try {
				RateLimitDecision decision = this.limiter.tryAcquire(subject, LIMIT);
				this.out.record(SoakHistory.Op.LIMIT, this.index, start, System.nanoTime(), subject, 0,
						(decision.allowed() ? "ALLOWED" : "DENIED") + (decision.degraded() ? ":DEGRADED" : ""));
			}
			catch (RuntimeException ex) {
				this.out.error(this.index, start, ex);
			}
			finally {
				this.ops.incrementAndGet();
			}
		}

		void metrics() {
			long dropped = this.buffer.dropped().values().stream().mapToLong(Long::longValue).sum();
			this.out.metrics(this.index, System.nanoTime(), this.ops.get(), this.cache.degradedReads(),
					this.buffer.bufferedTotal(), this.buffer.replayed(), dropped, this.buffer.dropped().toString());
		}

	}

	@FunctionalInterface
	interface Step {

		void run(SplittableRandom random);

	}

	/** An {@code @Cacheable} service, as an application has. */
	static class Catalogue {

		@Cacheable("catalogue")
		public String product(int id) {
			return "product " + id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class SoakApplication {

		@Bean
		Catalogue catalogue() {
			return new Catalogue();
		}

	}

	static {
		// Fail loudly rather than write a history nobody can check.
		Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> {
			ex.printStackTrace();
			if (ex instanceof UncheckedIOException) {
				Runtime.getRuntime().halt(3);
			}
		});
	}

}
