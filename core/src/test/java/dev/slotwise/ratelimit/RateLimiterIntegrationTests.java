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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

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

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link RateLimiter} against a real 3+3 cluster: exactness under concurrency from two
 * clients, slots, NOSCRIPT, expiry and failure modes through a master kill.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, config = "cluster-require-full-coverage no")
class RateLimiterIntegrationTests {

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

	private RateLimiter limiter(Map<String, RateLimit> limits, FailureMode failureMode) {
		LettuceConnectionFactory factory = ClusterConnections.tuned(this.cluster, Duration.ofMillis(500));
		this.factories.add(factory);
		return new RateLimiter(new StringRedisTemplate(factory), this.keys, limits, failureMode,
				new SlotGuard(new SlotHealth(Duration.ofMillis(500), Clock.systemUTC())), "ratelimit",
				Clock.systemUTC());
	}

	/** Many threads on two clients (two application instances) hit one subject. */
	private int hammer(List<RateLimiter> limiters, String subject, String limit, int attempts) throws Exception {
		AtomicInteger allowed = new AtomicInteger();
		AtomicInteger next = new AtomicInteger();
		List<Thread> threads = new ArrayList<>();
		ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
		for (int t = 0; t < 8; t++) {
			RateLimiter limiter = limiters.get(t % limiters.size());
			Thread thread = new Thread(() -> {
				while (next.getAndIncrement() < attempts) {
					try {
						RateLimitDecision decision = limiter.tryAcquire(subject, limit);
						assertThat(decision.degraded()).isFalse();
						if (decision.allowed()) {
							allowed.incrementAndGet();
						}
					}
					catch (Throwable ex) {
						errors.add(ex);
					}
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(errors).isEmpty();
		return allowed.get();
	}

	@Test
	void aFixedWindowAllowsExactlyItsPermitsAcrossTwoInstances() throws Exception {
		Map<String, RateLimit> limits = Map.of("api", RateLimit.fixedWindow(50, Duration.ofSeconds(30)));
		List<RateLimiter> instances = List.of(limiter(limits, FailureMode.DENY), limiter(limits, FailureMode.DENY));
		assertThat(hammer(instances, "user-1", "api", 400)).isEqualTo(50);
		RateLimitDecision denied = instances.get(0).tryAcquire("user-1", "api");
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isZero();
		assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
		assertThat(instances.get(0).tryAcquire("user-2", "api").remaining()).as("another subject").isEqualTo(49);
	}

	@Test
	void aPerSubjectQuotaOverridesThePermitsWithoutBeingRewritten() throws Exception {
		Map<String, RateLimit> limits = Map.of("api", RateLimit.fixedWindow(5, Duration.ofSeconds(30)));
		RateLimiter limiter = limiter(limits, FailureMode.DENY);
		limiter.setQuota("vip", "api", 20);
		assertThat(hammer(List.of(limiter), "vip", "api", 100)).isEqualTo(20);
		StringRedisTemplate redis = new StringRedisTemplate(this.factories.get(0));
		String quota = limiter.keysFor("vip", "api").get(1);
		assertThat(redis.opsForValue().get(quota)).isEqualTo("20");
		assertThat(redis.getExpire(quota)).as("the quota is the operator's: never given a TTL by a call").isEqualTo(-1);
	}

	@Test
	void aTokenBucketAllowsItsBurstPlusWhatRefilled() throws Exception {
		Map<String, RateLimit> limits = Map.of("bucket", RateLimit.tokenBucket(1, Duration.ofSeconds(10), 20));
		List<RateLimiter> instances = List.of(limiter(limits, FailureMode.DENY), limiter(limits, FailureMode.DENY));
		long start = System.nanoTime();
		int allowed = hammer(instances, "user-3", "bucket", 400);
		long refilled = Duration.ofNanos(System.nanoTime() - start).toSeconds() / 10 + 1;
		assertThat(allowed).isBetween(20, (int) (20 + refilled));
	}

	@Test
	void gcraSpacesAdmissionsByItsInterval() {
		Map<String, RateLimit> limits = Map.of("gcra", RateLimit.gcra(20, Duration.ofSeconds(1), 1));
		RateLimiter limiter = limiter(limits, FailureMode.DENY);
		long start = System.nanoTime();
		int allowed = 0;
		while (System.nanoTime() - start < Duration.ofMillis(1500).toNanos()) {
			RateLimitDecision decision = limiter.tryAcquire("user-4", "gcra");
			if (decision.allowed()) {
				allowed++;
			}
			else {
				assertThat(decision.retryAfter()).isLessThanOrEqualTo(Duration.ofMillis(50));
			}
		}
		long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		// One admission every 50 ms: at most elapsed / 50 + 1, and close to it.
		assertThat(allowed).isLessThanOrEqualTo((int) (elapsedMillis / 50 + 1))
			.isGreaterThanOrEqualTo((int) (elapsedMillis / 50 * 0.8));
	}

	@Test
	void aSlidingWindowStaysWithinItsBound() throws Exception {
		Map<String, RateLimit> limits = Map.of("sliding", RateLimit.slidingWindow(30, Duration.ofMillis(500)));
		List<RateLimiter> instances = List.of(limiter(limits, FailureMode.DENY), limiter(limits, FailureMode.DENY));
		ConcurrentLinkedQueue<Long> admitted = new ConcurrentLinkedQueue<>();
		long end = System.nanoTime() + Duration.ofMillis(2000).toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			RateLimiter limiter = instances.get(t % 2);
			Thread thread = new Thread(() -> {
				while (System.nanoTime() < end) {
					if (limiter.tryAcquire("user-5", "sliding").allowed()) {
						admitted.add(System.nanoTime());
					}
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		List<Long> times = admitted.stream().sorted().toList();
		assertThat(times).hasSizeGreaterThan(30);
		// Documented bound: never more than 2 x permits in any span of one window
		// (typically close to permits).
		int most = 0;
		for (int i = 0, j = 0; i < times.size(); i++) {
			while (times.get(i) - times.get(j) >= Duration.ofMillis(500).toNanos()) {
				j++;
			}
			most = Math.max(most, i - j + 1);
		}
		assertThat(most).isLessThanOrEqualTo(60);
		long spans = Duration.ofNanos(times.get(times.size() - 1) - times.get(0)).toMillis() / 500 + 1;
		assertThat(times).hasSizeLessThanOrEqualTo((int) (30 * (spans + 1)));
	}

	@Test
	void eachSubjectsKeysLiveInOneSlotAndSubjectsSpreadOverEveryMaster() {
		RateLimiter limiter = limiter(Map.of("api", RateLimit.fixedWindow(5, Duration.ofSeconds(1))), FailureMode.DENY);
		Set<ClusterNode> masters = new HashSet<>();
		for (int i = 0; i < 60; i++) {
			List<String> keys = limiter.keysFor("subject-" + i, "api");
			ClusterNode master = this.cluster.masterForKey(keys.get(0));
			Set<Long> slots = new HashSet<>();
			for (String key : keys) {
				slots.add(this.cluster.call(master, (commands) -> commands.clusterKeyslot(key)));
			}
			assertThat(slots).as("CLUSTER KEYSLOT of %s", keys).hasSize(1);
			masters.add(master);
		}
		assertThat(masters).hasSize(3);
		assertThat(limiter.keysFor("team{a}", "api").get(0)).as("a brace in a subject cannot break the tag")
			.doesNotContain("team{a}");
	}

	@Test
	void decisionsKeepWorkingAfterScriptFlushOnEveryNode() {
		Map<String, RateLimit> limits = Map.of("fixed", RateLimit.fixedWindow(100, Duration.ofSeconds(10)), "sliding",
				RateLimit.slidingWindow(100, Duration.ofSeconds(10)), "bucket",
				RateLimit.tokenBucket(100, Duration.ofSeconds(10), 100), "gcra",
				RateLimit.gcra(100, Duration.ofSeconds(10), 100));
		RateLimiter limiter = limiter(limits, FailureMode.DENY);
		limits.keySet().forEach((name) -> assertThat(limiter.tryAcquire("user-6", name).allowed()).isTrue());
		this.cluster.nodes().forEach((node) -> this.cluster.call(node, (commands) -> commands.scriptFlush()));
		limits.keySet().forEach((name) -> {
			RateLimitDecision decision = limiter.tryAcquire("user-6", name);
			assertThat(decision.allowed()).as(name).isTrue();
			assertThat(decision.degraded()).isFalse();
		});
	}

	@Test
	void noLimiterKeyIsLeftOnceItsLimitHasRecovered() {
		Map<String, RateLimit> limits = Map.of("fixed", RateLimit.fixedWindow(3, Duration.ofMillis(300)), "sliding",
				RateLimit.slidingWindow(3, Duration.ofMillis(300)), "bucket",
				RateLimit.tokenBucket(3, Duration.ofMillis(300), 3), "gcra",
				RateLimit.gcra(3, Duration.ofMillis(300), 3));
		RateLimiter limiter = limiter(limits, FailureMode.DENY);
		for (String name : limits.keySet()) {
			for (int i = 0; i < 5; i++) {
				limiter.tryAcquire("leak-" + name, name);
			}
		}
		assertThat(limiterKeys()).hasSize(4);
		await().atMost(Duration.ofSeconds(5)).until(() -> limiterKeys().isEmpty());
	}

	private List<String> limiterKeys() {
		List<String> found = new ArrayList<>();
		for (ClusterNode master : this.cluster.masters()) {
			found.addAll(this.cluster.call(master, (commands) -> commands.keys("ratelimit:{leak-*")));
		}
		return found;
	}

	@Test
	void withTheSubjectsMasterKilledEachFailureModeDecidesAndRedisDecidesAgainAfterFailover() {
		RateLimit limit = RateLimit.fixedWindow(3, Duration.ofSeconds(30));
		RateLimiter allow = limiter(Map.of("api", limit), FailureMode.ALLOW);
		RateLimiter deny = limiter(Map.of("api", limit), FailureMode.DENY);
		RateLimiter local = limiter(Map.of("api", limit), FailureMode.LOCAL);
		String subject = "user-7";
		ClusterNode victim = this.cluster.masterForKey(allow.keysFor(subject, "api").get(0));
		this.cluster.kill(victim);
		await().atMost(Duration.ofSeconds(10)).until(() -> allow.tryAcquire(subject, "api").degraded());
		RateLimitDecision allowed = allow.tryAcquire(subject, "api");
		assertThat(allowed.allowed()).isTrue();
		assertThat(allowed.degraded()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> deny.tryAcquire(subject, "api").degraded());
		RateLimitDecision denied = deny.tryAcquire(subject, "api");
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.degraded()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> local.tryAcquire(subject, "api").degraded());
		List<Boolean> locally = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			RateLimitDecision decision = local.tryAcquire(subject, "api");
			if (decision.degraded()) {
				locally.add(decision.allowed());
			}
		}
		assertThat(locally).as("this instance's own window of 3 (one taken while awaiting)")
			.startsWith(true, true)
			.endsWith(false, false);
		assertThat(allow.decisions().get(RateLimiter.Outcome.DEGRADED)).isPositive();
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> !deny.tryAcquire(subject, "api").degraded());
		RateLimitDecision afterFailover = deny.tryAcquire(subject, "api");
		assertThat(afterFailover.degraded()).isFalse();
		assertThat(afterFailover.limit()).isEqualTo(3);
	}

	@Test
	void aLimitWhoseAlgorithmChangesStartsAfreshInsteadOfMeetingAKeyOfAnotherType() {
		RateLimiter before = limiter(Map.of("api", RateLimit.fixedWindow(5, Duration.ofSeconds(30))), FailureMode.DENY);
		assertThat(before.tryAcquire("user-8", "api").allowed()).isTrue();
		RateLimiter after = limiter(Map.of("api", RateLimit.tokenBucket(5, Duration.ofSeconds(30), 5)),
				FailureMode.DENY);
		RateLimitDecision decision = after.tryAcquire("user-8", "api");
		assertThat(decision.allowed()).isTrue();
		assertThat(decision.remaining()).isEqualTo(4);
	}

	@Test
	void anUnknownLimitOrABlankSubjectIsAClearError() {
		RateLimiter limiter = limiter(Map.of("api", RateLimit.fixedWindow(5, Duration.ofSeconds(1))),
				FailureMode.ALLOW);
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.tryAcquire("user", "apii"))
			.withMessageContaining("Unknown rate limit 'apii'")
			.withMessageContaining("slotwise.rate-limit.limits.apii")
			.withMessageContaining("[api]");
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.tryAcquire(" ", "api"))
			.withMessageContaining("must not be blank");
	}

}
