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

package dev.slotwise.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.cache.Cache;
import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClusterCache} against a real 3+3 cluster: the {@link Cache} contract,
 * read-your-writes, one load per key, and per-slot degradation.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class ClusterCacheIntegrationTests {

	private CacheFixture fixture;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		this.fixture = new CacheFixture(cluster);
	}

	@AfterEach
	void disconnect() {
		this.fixture.close();
	}

	private ClusterCache cache(String name, boolean allowNull, int lastValues) {
		return cache(name, allowNull, lastValues, Duration.ZERO);
	}

	private ClusterCache cache(String name, boolean allowNull, int lastValues, Duration readTimeout) {
		return this.fixture.cache(name, new ClusterCacheSettings(Duration.ofMinutes(10), allowNull, "",
				RedisSerializer.java(), lastValues, readTimeout));
	}

	@Test
	void keepsTheCacheContract() {
		ClusterCache cache = cache("books", true, 0);
		assertThat(cache.getName()).isEqualTo("books");
		assertThat(cache.get("isbn:1")).isNull();
		cache.put("isbn:1", "Dune");
		assertThat(cache.get("isbn:1")).isNotNull().extracting(Cache.ValueWrapper::get).isEqualTo("Dune");
		assertThat(cache.get("isbn:1", String.class)).isEqualTo("Dune");
		assertThatIllegalStateException().isThrownBy(() -> cache.get("isbn:1", Integer.class));
		cache.put("isbn:2", null);
		assertThat(cache.get("isbn:2")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		assertThat(cache.putIfAbsent("isbn:1", "Other")).extracting(Cache.ValueWrapper::get).isEqualTo("Dune");
		assertThat(cache.putIfAbsent("isbn:3", "Emma")).isNull();
		assertThat(cache.get("isbn:3", String.class)).isEqualTo("Emma");
		assertThat(cache.evictIfPresent("isbn:3")).isTrue();
		assertThat(cache.evictIfPresent("isbn:3")).isFalse();
		cache.evict("isbn:1");
		assertThat(cache.get("isbn:1")).isNull();
		assertThat(this.fixture.redis.getExpire("books::isbn:2")).isBetween(590L, 600L);
		assertThat(cache.invalidate()).isTrue();
		assertThat(cache.get("isbn:2")).isNull();
		assertThat(this.fixture.redis.keys("books::*")).isEmpty();
	}

	@Test
	void nullValuesAreRejectedWhenNotAllowedAndLoaderFailuresAreWrapped() {
		ClusterCache cache = cache("strict", false, 0);
		assertThatIllegalArgumentException().isThrownBy(() -> cache.put("k", null)).withMessageContaining("strict");
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> cache.get("k", () -> {
			throw new IllegalStateException("database down");
		})).withRootCauseInstanceOf(IllegalStateException.class);
		assertThatIllegalArgumentException().isThrownBy(() -> cache.put("k", new Object()))
			.withMessageContaining("Cache 'strict' cannot serialize a value of type java.lang.Object");
	}

	@Test
	void retrieveAnswersWithoutBlockingAndLoadsOnMiss() throws Exception {
		ClusterCache cache = cache("async", true, 0);
		assertThat(cache.retrieve("a").get()).isNull();
		cache.put("a", "1");
		assertThat(cache.retrieve("a").get()).isInstanceOf(Cache.ValueWrapper.class)
			.extracting((wrapper) -> ((Cache.ValueWrapper) wrapper).get())
			.isEqualTo("1");
		assertThat(cache.retrieve("b", () -> CompletableFuture.completedFuture("2")).get()).isEqualTo("2");
		assertThat(cache.get("b", String.class)).isEqualTo("2");
	}

	@Test
	void aRetrieveLoaderThatThrowsBeforeItsFutureExistsFailsThatCallerAndLeavesNoLoadBehind() throws Exception {
		ClusterCache cache = cache("async-throwing", true, 0);
		CompletableFuture<String> failed = cache.retrieve("k", () -> {
			throw new IllegalStateException("no client");
		});
		assertThat(failed).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withRootCauseInstanceOf(IllegalStateException.class);
		assertThat(cache.retrieve("k", () -> CompletableFuture.completedFuture("loaded")).get(5, TimeUnit.SECONDS))
			.as("the next caller loads instead of joining a load that never began")
			.isEqualTo("loaded");
	}

	@Test
	void everyPutIsReadBackAtOnce() {
		ClusterCache cache = cache("ryw", true, 0);
		int stale = 0;
		for (int i = 0; i < 1000; i++) {
			cache.put("k" + (i % 50), "v" + i);
			if (!("v" + i).equals(cache.get("k" + (i % 50), String.class))) {
				stale++;
			}
		}
		assertThat(stale).isZero();
	}

	@Test
	void aLoadAfterAMissReadsRedisOnceWhenNothingWasStoredMeanwhile(LocalRedisCluster cluster) {
		ClusterCache cache = cache("single-read", true, 0);
		ClusterNode master = cluster.masterForKey(cache.redisKey("report"));
		cluster.call(master, (commands) -> commands.configResetstat());
		assertThat(cache.get("report", () -> "loaded")).isEqualTo("loaded");
		String stats = cluster.call(master, (commands) -> commands.info("commandstats"));
		assertThat(stats).as("one GET for the miss, no second read before the load").contains("cmdstat_get:calls=1,");
		assertThat(cache.get("report", () -> "loaded again")).isEqualTo("loaded");
	}

	@Test
	void tenConcurrentCallersRunTheLoaderOnce() throws Exception {
		ClusterCache cache = cache("once", true, 0);
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		List<String> results = new java.util.concurrent.CopyOnWriteArrayList<>();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			callers.add(new Thread(() -> results.add(cache.get("report", () -> {
				loads.incrementAndGet();
				release.await();
				return "expensive";
			}))));
		}
		callers.forEach(Thread::start);
		// Hold the load until every caller is waiting: the loader on the latch, the rest
		// on it.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> callers.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
		release.countDown();
		for (Thread caller : callers) {
			caller.join(10_000);
		}
		assertThat(results).hasSize(10).containsOnly("expensive");
		assertThat(loads).hasValue(1);
	}

	@Test
	void aFrozenMastersSlotsDegradeWhileOtherSlotsServeFromRedis(LocalRedisCluster cluster) {
		ClusterCache cache = cache("degrade", true, 1000);
		String frozenKey = keyOn(cluster, cluster.masters().get(0), cache);
		String healthyKey = keyOn(cluster, cluster.masters().get(1), cache);
		cache.put(frozenKey, "last seen");
		cache.put(healthyKey, "fine");
		assertThat(cache.get(frozenKey, String.class)).isEqualTo("last seen");
		cluster.pause(cluster.masters().get(0));
		// The first read waits out the command timeout and marks the slot failing ...
		assertThat(cache.get(frozenKey, String.class)).isEqualTo("last seen");
		// ... the next ones do not touch the network.
		long start = System.nanoTime();
		for (int i = 0; i < 100; i++) {
			assertThat(cache.get(frozenKey, String.class)).isEqualTo("last seen");
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
		assertThat(cache.degradedReads()).isGreaterThanOrEqualTo(101);
		assertThat(cache.get(healthyKey, String.class)).isEqualTo("fine");
		cache.put(frozenKey, "written during the outage");
		assertThat(cache.get(frozenKey, String.class)).isEqualTo("written during the outage");
		cluster.resume(cluster.masters().get(0));
		await().atMost(Duration.ofSeconds(20)).until(() -> this.fixture.writeBuffer.pending() == 0);
		ClusterCache fresh = cache("degrade", true, 0);
		assertThat(fresh.get(frozenKey, String.class)).isEqualTo("written during the outage");
	}

	@Test
	void aReadOfAHungMasterGivesUpAfterTheReadTimeoutNotTheCommandTimeout(LocalRedisCluster cluster) {
		ClusterNode hung = cluster.masters().get(0);
		ClusterCache patient = cache("hung", true, 1000);
		ClusterCache bounded = cache("hung", true, 1000, Duration.ofMillis(100));
		String first = keyOn(cluster, hung, patient);
		String second = keyOn(cluster, hung, patient, Integer.parseInt(first.substring("item:".length())) + 1);
		// Two slots, so that the first read's failing mark does not decide the second.
		assertThat(this.fixture.keys.slot(patient.redisKey(second)))
			.isNotEqualTo(this.fixture.keys.slot(patient.redisKey(first)));
		patient.put(first, "one");
		bounded.put(second, "two");
		assertThat(patient.get(first, String.class)).isEqualTo("one");
		assertThat(bounded.get(second, String.class)).isEqualTo("two");
		cluster.pause(hung);
		try {
			long start = System.nanoTime();
			assertThat(patient.get(first, String.class)).as("degraded to the last value").isEqualTo("one");
			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			start = System.nanoTime();
			assertThat(bounded.get(second, String.class)).as("degraded to the last value").isEqualTo("two");
			Duration boundedWait = Duration.ofNanos(System.nanoTime() - start);
			assertThat(waited).as("without a read timeout: the 500 ms command timeout")
				.isGreaterThanOrEqualTo(Duration.ofMillis(500));
			assertThat(boundedWait).as("with a 100 ms read timeout")
				.isGreaterThanOrEqualTo(Duration.ofMillis(100))
				.isLessThan(Duration.ofMillis(450));
			assertThat(this.fixture.slotHealth.isFailing(this.fixture.keys.slot(bounded.redisKey(second)))).isTrue();
		}
		finally {
			cluster.resume(hung);
		}
	}

	@Test
	void aValueLoadedWhileRedisCouldNotBeReadNeverReplacesTheValueItHeld(LocalRedisCluster cluster) {
		ClusterCache cache = cache("fill", true, 0);
		String key = "isbn:{42}";
		cache.put(key, "acknowledged");
		int slot = this.fixture.keys.slot(cache.redisKey(key));
		this.fixture.slotHealth.markFailing(slot);
		// A degraded read never saw Redis: the loader runs and its value is served ...
		assertThat(cache.get(key, () -> "loaded")).isEqualTo("loaded");
		assertThat(cache.get(key, String.class)).as("read your fill").isEqualTo("loaded");
		this.fixture.slotHealth.markHealthy(slot);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.writeBuffer.pending() == 0);
		// ... but once Redis answers again the acknowledged put is what the key holds.
		assertThat(cache.get(key, String.class)).isEqualTo("acknowledged");
		assertThat(cache("fill", true, 0).get(key, () -> "loaded")).isEqualTo("acknowledged");
		// A real miss fills the key as before.
		cache.evict(key);
		assertThat(cache.get(key, () -> "reloaded")).isEqualTo("reloaded");
		assertThat(cache("fill", true, 0).get(key, String.class)).isEqualTo("reloaded");
		// putIfAbsent during an outage only fills a gap too.
		this.fixture.slotHealth.markFailing(slot);
		assertThat(cache.putIfAbsent(key, "put if absent")).as("a degraded read sees nothing").isNull();
		this.fixture.slotHealth.markHealthy(slot);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.writeBuffer.pending() == 0);
		assertThat(cache("fill", true, 0).get(key, String.class)).isEqualTo("reloaded");
	}

	@Test
	void aLoadReplacesAValueHiddenByThisInstancesClear() {
		ClusterCache cache = cache("cleared", true, 0);
		String key = "isbn:{43}";
		cache.clear();
		// Written before the clear in a slot the clear could not reach: hidden, still in
		// Redis until its TTL.
		byte[] raw = cache.redisKey(key).getBytes(java.nio.charset.StandardCharsets.UTF_8);
		byte[] stale = new dev.slotwise.buffer.VersionedValue(System.currentTimeMillis() - 60_000,
				RedisSerializer.java().serialize("before the clear"))
			.encode();
		this.fixture.redis.execute(
				(org.springframework.data.redis.core.RedisCallback<Object>) (connection) -> connection.stringCommands()
					.set(raw, stale));
		assertThat(cache.get(key)).isNull();
		assertThat(cache.get(key, () -> "loaded after the clear")).isEqualTo("loaded after the clear");
		assertThat(cache("cleared", true, 0).get(key, String.class)).as("replaced, not kept by SET NX")
			.isEqualTo("loaded after the clear");
	}

	@ParameterizedTest
	@EnumSource(Fault.class)
	void mixedTrafficThroughAFailingMasterLosesNoAcknowledgedWriteAndThrowsNothing(Fault fault,
			LocalRedisCluster cluster) throws InterruptedException {
		ClusterCache cache = cache("drill", true, 0);
		int threads = 4;
		java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
		List<java.util.Map<String, String>> lastWrites = new ArrayList<>();
		List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
		AtomicInteger operations = new AtomicInteger();
		List<Thread> workers = new ArrayList<>();
		Latencies healthy = new Latencies();
		Latencies degraded = new Latencies();
		for (int t = 0; t < threads; t++) {
			java.util.Map<String, String> last = new java.util.concurrent.ConcurrentHashMap<>();
			lastWrites.add(last);
			int thread = t;
			workers.add(new Thread(() -> {
				java.util.Random random = new java.util.Random(thread);
				for (int i = 0; running.get(); i++) {
					String key = "t" + thread + ":" + random.nextInt(60);
					int slot = this.fixture.keys.slot(cache.redisKey(key));
					boolean failingBefore = this.fixture.slotHealth.isFailing(slot);
					long start = System.nanoTime();
					try {
						switch (random.nextInt(3)) {
							case 0 -> cache.get(key);
							case 1 -> {
								cache.put(key, "v" + i);
								last.put(key, "v" + i);
							}
							default -> {
								cache.evict(key);
								last.put(key, "");
							}
						}
						operations.incrementAndGet();
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
					long took = System.nanoTime() - start;
					// Degraded: the slot was failing when the call began, or the call
					// found it so.
					((failingBefore || this.fixture.slotHealth.isFailing(slot)) ? degraded : healthy).add(took);
				}
			}, "drill-" + t));
		}
		workers.forEach(Thread::start);
		await().atMost(Duration.ofSeconds(10)).until(() -> operations.get() > 2000);
		ClusterNode victim = cluster.masters().get(0);
		int victimSlot = this.fixture.keys.slot(cache.redisKey(keyOn(cluster, victim, cache)));
		if (fault == Fault.SIGKILL) {
			cluster.kill(victim);
		}
		else {
			// Hung past the node timeout: its replica takes over, then it wakes up.
			cluster.pause(victim);
			await().atMost(Duration.ofSeconds(30))
				.ignoreExceptions()
				.until(() -> !cluster.masterForSlot(victimSlot).equals(victim));
			cluster.resume(victim);
		}
		int atKill = operations.get();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			cluster.awaitHealthy();
			return true;
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> operations.get() > atKill + 2000);
		// The buffer drains while traffic goes on: writes to healthy slots take over
		// buffered ones.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.writeBuffer.pending() == 0);
		running.set(false);
		for (Thread worker : workers) {
			worker.join(10_000);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> this.fixture.writeBuffer.pending() == 0);
		assertThat(failures).as("exceptions that reached callers")
			.extracting(ClusterCacheIntegrationTests::describe)
			.isEmpty();
		assertThat(this.fixture.writeBuffer.dropped().values()).allMatch((count) -> count == 0);
		ClusterCache reader = cache("drill", true, 0);
		int checked = 0;
		for (java.util.Map<String, String> last : lastWrites) {
			for (java.util.Map.Entry<String, String> write : last.entrySet()) {
				String inRedis = reader.get(write.getKey(), String.class);
				assertThat(inRedis).as(write.getKey()).isEqualTo(write.getValue().isEmpty() ? null : write.getValue());
				checked++;
			}
		}
		assertThat(checked).isGreaterThan(100);
		System.out.println("[slotwise-measure] cache drill: " + operations.get() + " operations through a master "
				+ fault + ", " + failures.size() + " caller-visible errors, " + this.fixture.writeBuffer.bufferedTotal()
				+ " writes buffered, " + this.fixture.writeBuffer.replayed() + " replayed, " + checked
				+ " keys checked in Redis, 0 lost; latency healthy-slot calls " + healthy + ", degraded-slot calls "
				+ degraded);
	}

	enum Fault {

		/** The master is killed; its replica takes over. */
		SIGKILL,

		/** The master hangs past the node timeout, its replica takes over, it resumes. */
		SIGSTOP

	}

	/** Call latencies, kept whole (a drill makes a few million at most). */
	static final class Latencies {

		private long[] nanos = new long[1 << 16];

		private int size;

		synchronized void add(long took) {
			if (this.size == this.nanos.length) {
				this.nanos = java.util.Arrays.copyOf(this.nanos, this.size * 2);
			}
			this.nanos[this.size++] = took;
		}

		synchronized long percentileMicros(double percentile) {
			if (this.size == 0) {
				return 0;
			}
			long[] sorted = java.util.Arrays.copyOf(this.nanos, this.size);
			java.util.Arrays.sort(sorted);
			return sorted[(int) Math.min(this.size - 1, Math.ceil(percentile / 100 * this.size) - 1)] / 1000;
		}

		@Override
		public synchronized String toString() {
			return "n=" + this.size + " p50=" + percentileMicros(50) + "us p99=" + percentileMicros(99) + "us p99.9="
					+ percentileMicros(99.9) + "us max=" + percentileMicros(100) + "us";
		}

	}

	private static String describe(Throwable ex) {
		StringBuilder text = new StringBuilder(ex.toString());
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			text.append(" <- ").append(cause);
		}
		return text.toString();
	}

	private String keyOn(LocalRedisCluster cluster, ClusterNode master, ClusterCache cache) {
		return keyOn(cluster, master, cache, 0);
	}

	private String keyOn(LocalRedisCluster cluster, ClusterNode master, ClusterCache cache, int from) {
		for (int i = from;; i++) {
			String key = "item:" + i;
			if (cluster.masterForKey(cache.redisKey(key)).equals(master)) {
				return key;
			}
		}
	}

}
