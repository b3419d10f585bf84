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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
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

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link RateLimiter#tryAcquireAsync} against a real 3+3 cluster: the same exact count as
 * the blocking path, in batches shared with blocking callers; through a master kill, the
 * failure mode decides without a wait once the slot fails fast, and Redis decides again
 * after the failover.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, config = "cluster-require-full-coverage no")
class RateLimiterAsyncIntegrationTests {

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
		LettuceConnectionFactory factory = ClusterConnections.tuned(this.cluster, Duration.ofMillis(500));
		this.factories.add(factory);
		return new RateLimiter(new StringRedisTemplate(factory), new ClusterKeys(), limits, failureMode,
				new SlotGuard(new SlotHealth(Duration.ofMillis(500), Clock.systemUTC())), "ratelimit",
				Clock.systemUTC(), RateLimitScripts.defaults(), coalesce);
	}

	@Test
	void asyncDecisionsSentTogetherAllowExactlyThePermitsInSharedCalls() {
		RateLimiter limiter = limiter(Map.of("api", RateLimit.fixedWindow(50, Duration.ofSeconds(60))),
				FailureMode.DENY, true);
		List<CompletableFuture<RateLimitDecision>> decisions = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			decisions.add(limiter.tryAcquireAsync("async-1", "api"));
		}
		List<RateLimitDecision> made = decisions.stream().map(CompletableFuture::join).toList();
		assertThat(made).noneMatch(RateLimitDecision::degraded);
		assertThat(made.stream().filter(RateLimitDecision::allowed).count()).isEqualTo(50);
		assertThat(made.stream().filter(RateLimitDecision::allowed).map(RateLimitDecision::remaining))
			.as("each remaining count once, as if asked one after another")
			.containsExactlyInAnyOrderElementsOf(LongStream.range(0, 50).boxed().toList());
		assertThat(limiter.scriptCalls()).as("queued callers went together").isLessThan(400);
	}

	@Test
	void asyncAndBlockingCallersOfOneSubjectShareTheCount() throws Exception {
		for (boolean coalesce : List.of(true, false)) {
			RateLimiter limiter = limiter(Map.of("api", RateLimit.tokenBucket(1, Duration.ofHours(1), 30)),
					FailureMode.DENY, coalesce);
			String subject = "mixed-" + coalesce;
			ConcurrentLinkedQueue<CompletableFuture<RateLimitDecision>> all = new ConcurrentLinkedQueue<>();
			List<Thread> blocking = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				Thread thread = new Thread(() -> {
					for (int i = 0; i < 25; i++) {
						all.add(CompletableFuture.completedFuture(limiter.tryAcquire(subject, "api")));
					}
				});
				thread.start();
				blocking.add(thread);
			}
			for (int i = 0; i < 100; i++) {
				all.add(limiter.tryAcquireAsync(subject, "api"));
			}
			for (Thread thread : blocking) {
				thread.join();
			}
			List<RateLimitDecision> made = all.stream().map(CompletableFuture::join).toList();
			assertThat(made).hasSize(200).noneMatch(RateLimitDecision::degraded);
			assertThat(made.stream().filter(RateLimitDecision::allowed).count()).as("coalesce %s", coalesce)
				.isEqualTo(30);
		}
	}

	@Test
	void throughAMasterKillTheFailureModeDecidesAtOnceAndRedisAgainAfterFailover() {
		RateLimit limit = RateLimit.fixedWindow(3, Duration.ofSeconds(30));
		RateLimiter deny = limiter(Map.of("api", limit), FailureMode.DENY, true);
		RateLimiter local = limiter(Map.of("api", limit), FailureMode.LOCAL, false);
		String subject = "async-7";
		ClusterNode victim = this.cluster.masterForKey(deny.keysFor(subject, "api").get(0));
		this.cluster.kill(victim);
		await().atMost(Duration.ofSeconds(10)).until(() -> deny.tryAcquireAsync(subject, "api").join().degraded());
		CompletableFuture<RateLimitDecision> failingFast = deny.tryAcquireAsync(subject, "api");
		assertThat(failingFast).as("a failing slot is decided without a round trip").isDone();
		assertThat(failingFast.join().allowed()).isFalse();
		assertThat(failingFast.join().degraded()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> local.tryAcquireAsync(subject, "api").join().degraded());
		List<Boolean> locally = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			RateLimitDecision decision = local.tryAcquireAsync(subject, "api").join();
			if (decision.degraded()) {
				locally.add(decision.allowed());
			}
		}
		assertThat(locally).as("this instance's own window of 3 (one taken while awaiting)")
			.startsWith(true, true)
			.endsWith(false, false);
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> !deny.tryAcquireAsync(subject, "api").join().degraded());
		RateLimitDecision afterFailover = deny.tryAcquireAsync(subject, "api").join();
		assertThat(afterFailover.degraded()).isFalse();
		assertThat(afterFailover.limit()).isEqualTo(3);
	}

	@Test
	void anUnknownLimitOrABlankSubjectIsAClearErrorBeforeAnythingIsSent() {
		RateLimiter limiter = limiter(Map.of("api", RateLimit.fixedWindow(5, Duration.ofSeconds(1))), FailureMode.ALLOW,
				true);
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.tryAcquireAsync("user", "apii"))
			.withMessageContaining("Unknown rate limit 'apii'")
			.withMessageContaining("slotwise.rate-limit.limits.apii");
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.tryAcquireAsync(" ", "api"))
			.withMessageContaining("must not be blank");
		assertThat(limiter.scriptCalls()).isZero();
	}

}
