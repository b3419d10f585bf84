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

package dev.slotwise.autoconfigure.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.autoconfigure.cache.ClusterCacheAutoConfiguration;
import dev.slotwise.autoconfigure.buffer.WriteBufferAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.ratelimit.RateLimiter;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application contexts, configured by properties alone, share one limit on a real
 * cluster: together they allow exactly its permits.
 */
@LocalRedisClusterTest
class RateLimiterIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				FailureDetectionAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
				DataRedisAutoConfiguration.class, WriteBufferAutoConfiguration.class,
				ClusterCacheAutoConfiguration.class, RateLimiterAutoConfiguration.class))
		.withPropertyValues("slotwise.rate-limit.limits.orders.permits=40",
				"slotwise.rate-limit.limits.orders.window=30s", "slotwise.monitor.enabled=false");

	@Test
	void twoApplicationsTogetherAllowExactlyThePermits(LocalRedisCluster cluster) {
		ApplicationContextRunner connected = this.runner
			.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty());
		connected.run((first) -> connected.run((second) -> {
			List<RateLimiter> limiters = List.of(first.getBean(RateLimiter.class), second.getBean(RateLimiter.class));
			assertThat(limiters.get(0)).isNotSameAs(limiters.get(1));
			AtomicInteger allowed = new AtomicInteger();
			AtomicInteger attempts = new AtomicInteger();
			ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				RateLimiter limiter = limiters.get(t % 2);
				Thread thread = new Thread(() -> {
					while (attempts.getAndIncrement() < 300) {
						try {
							if (limiter.tryAcquire("customer-9", "orders").allowed()) {
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
			assertThat(allowed).hasValue(40);
		}));
	}

}
