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

package dev.slotwise.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import dev.slotwise.ClusterConnections;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Coalescing in {@link RateLimiter} against a real 3+3 cluster: 16 threads on one hot
 * subject get exactly the limit, with coherent decisions, in far fewer script calls than
 * decisions (counted by the subject's master); with coalescing off each decision is its
 * own call; when a batch's call cannot be answered, the failure mode decides for every
 * caller of it.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, nodeTimeoutMillis = 5000,
		config = "cluster-require-full-coverage no")
class RateLimiterCoalescingIntegrationTests {

	private static final int THREADS = 16;

	private static final int REQUESTS = 5000;

	private static final int LIMIT = 1000;

	private static final Pattern EVALSHA_CALLS = Pattern.compile("cmdstat_evalsha:calls=(\\d+)");

	private final ClusterKeys keys = new ClusterKeys();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private LocalRedisCluster cluster;

	@BeforeEach
	void remember(LocalRedisCluster cluster) {
		this.cluster = cluster;
	}

	@AfterEach
	void disconnect() {
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	private RateLimiter limiter(Map<String, RateLimit> limits, FailureMode failureMode, boolean coalesce) {
		LettuceConnectionFactory factory = ClusterConnections.tuned(this.cluster, Duration.ofMillis(300));
		this.factories.add(factory);
		return new RateLimiter(new StringRedisTemplate(factory), this.keys, limits, failureMode,
				new SlotGuard(new SlotHealth(Duration.ofMillis(500), Clock.systemUTC())), "ratelimit",
				Clock.systemUTC(), RateLimitScripts.defaults(), coalesce);
	}

	/**
	 * A limit of 1,000 that does not recover within the test: a window of a minute, or a
	 * burst of 1,000 refilled at one per hour.
	 */
	private static RateLimit limit(RateLimit.Algorithm algorithm) {
		return switch (algorithm) {
			case FIXED_WINDOW -> RateLimit.fixedWindow(LIMIT, Duration.ofSeconds(60));
			case SLIDING_WINDOW -> RateLimit.slidingWindow(LIMIT, Duration.ofSeconds(60));
			case TOKEN_BUCKET -> RateLimit.tokenBucket(1, Duration.ofHours(1), LIMIT);
			case GCRA -> RateLimit.gcra(1, Duration.ofHours(1), LIMIT);
		};
	}

	/** {@code threads} threads share {@code requests} decisions for one subject. */
	private List<RateLimitDecision> hammer(RateLimiter limiter, String subject, int threads, int requests)
			throws Exception {
		AtomicInteger next = new AtomicInteger();
		return onThreads(threads, (decisions) -> {
			while (next.getAndIncrement() < requests) {
				decisions.add(limiter.tryAcquire(subject, "hot"));
			}
		});
	}

	/**
	 * Run some work on {@code threads} threads, each adding its decisions to one queue;
	 * every thread's error fails the test.
	 */
	private static List<RateLimitDecision> onThreads(int threads, Work work) throws Exception {
		ConcurrentLinkedQueue<RateLimitDecision> decisions = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread worker = new Thread(() -> {
				try {
					work.run(decisions);
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
			});
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}
		assertThat(errors).isEmpty();
		return new ArrayList<>(decisions);
	}

	/** What each thread of {@link #onThreads} does. */
	@FunctionalInterface
	private interface Work {

		void run(Queue<RateLimitDecision> decisions) throws Exception;

	}

	@ParameterizedTest
	@EnumSource(RateLimit.Algorithm.class)
	void sixteenThreadsOnOneSubjectGetExactlyTheLimitWithCoherentDecisions(RateLimit.Algorithm algorithm)
			throws Exception {
		RateLimiter limiter = limiter(Map.of("hot", limit(algorithm)), FailureMode.DENY, true);
		String subject = "hot-" + algorithm;
		List<RateLimitDecision> decisions = hammer(limiter, subject, THREADS, REQUESTS);
		assertThat(decisions).hasSize(REQUESTS).noneMatch(RateLimitDecision::degraded);
		List<RateLimitDecision> allowed = decisions.stream().filter(RateLimitDecision::allowed).toList();
		assertThat(allowed).hasSize(LIMIT).allSatisfy((decision) -> {
			assertThat(decision.limit()).isEqualTo(LIMIT);
			assertThat(decision.retryAfter()).isZero();
			assertThat(decision.resetAfter()).isPositive();
		});
		// Each allowed call saw what remained after it, as if each had asked alone.
		assertThat(allowed.stream().map(RateLimitDecision::remaining).sorted().toList())
			.as("remaining of the allowed decisions")
			.isEqualTo(LongStream.range(0, LIMIT).boxed().toList());
		assertThat(decisions.stream().filter((decision) -> !decision.allowed())).allSatisfy((decision) -> {
			assertThat(decision.remaining()).isZero();
			assertThat(decision.retryAfter()).isPositive();
		});
		assertThat(limiter.scriptCalls()).as("script calls for %d decisions", REQUESTS).isLessThan(REQUESTS / 2);
	}

	@Test
	void theSubjectsMasterSeesFewerScriptCallsThanDecisions() throws Exception {
		RateLimiter limiter = limiter(Map.of("hot", limit(RateLimit.Algorithm.FIXED_WINDOW)), FailureMode.DENY, true);
		ClusterNode master = warmedUpMaster(limiter, "hot-calls");
		long before = evalshaCalls(master);
		hammer(limiter, "hot-calls", THREADS, REQUESTS);
		long calls = evalshaCalls(master) - before;
		assertThat(calls).as("EVALSHA calls on the subject's master for %d decisions", REQUESTS)
			.isPositive()
			.isLessThan(REQUESTS / 2)
			.isEqualTo(limiter.scriptCalls() - 1);
	}

	@Test
	void withCoalescingOffEachDecisionIsItsOwnScriptCall() throws Exception {
		RateLimiter limiter = limiter(Map.of("hot", limit(RateLimit.Algorithm.FIXED_WINDOW)), FailureMode.DENY, false);
		ClusterNode master = warmedUpMaster(limiter, "hot-uncoalesced");
		long before = evalshaCalls(master);
		List<RateLimitDecision> decisions = hammer(limiter, "hot-uncoalesced", THREADS, REQUESTS);
		assertThat(evalshaCalls(master) - before).isEqualTo(REQUESTS);
		assertThat(decisions.stream().filter(RateLimitDecision::allowed)).as("one permit went to the warm-up")
			.hasSize(LIMIT - 1);
	}

	/** The script is loaded (one decision) before EVALSHA is counted. */
	private ClusterNode warmedUpMaster(RateLimiter limiter, String subject) {
		assertThat(limiter.tryAcquire(subject, "hot").allowed()).isTrue();
		return this.cluster.masterForKey(limiter.keysFor(subject, "hot").get(0));
	}

	private long evalshaCalls(ClusterNode master) {
		String stats = this.cluster.call(master, (commands) -> commands.info("commandstats"));
		Matcher matcher = EVALSHA_CALLS.matcher(stats);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

	/** Each of {@code THREADS} threads decides once, all released together. */
	private List<RateLimitDecision> oncePerThread(RateLimiter limiter, String subject) throws Exception {
		CyclicBarrier start = new CyclicBarrier(THREADS);
		return onThreads(THREADS, (decisions) -> {
			start.await();
			decisions.add(limiter.tryAcquire(subject, "hot"));
		});
	}

	@Test
	void whenABatchsCallCannotBeAnsweredTheFailureModeDecidesForEachOfItsCallers() throws Exception {
		RateLimiter limiter = limiter(Map.of("hot", limit(RateLimit.Algorithm.FIXED_WINDOW)), FailureMode.ALLOW, true);
		String subject = "hot-paused";
		ClusterNode master = warmedUpMaster(limiter, subject);
		long callsBefore = limiter.scriptCalls();
		this.cluster.pause(master);
		List<RateLimitDecision> decisions;
		try {
			// One call hangs until its 300 ms timeout; the others queue behind it, and
			// their call then fails fast on the slot the timeout marked failing.
			decisions = oncePerThread(limiter, subject);
		}
		finally {
			this.cluster.resume(master);
		}
		assertThat(decisions).hasSize(THREADS).allSatisfy((decision) -> {
			assertThat(decision.degraded()).isTrue();
			assertThat(decision.allowed()).isTrue();
		});
		assertThat(limiter.scriptCalls() - callsBefore).as("the call that timed out, then the queued batch's")
			.isEqualTo(2);
		assertThat(limiter.decisions().get(RateLimiter.Outcome.DEGRADED)).isEqualTo(THREADS);
		await().atMost(Duration.ofSeconds(10)).until(() -> !limiter.tryAcquire(subject, "hot").degraded());
	}

}
