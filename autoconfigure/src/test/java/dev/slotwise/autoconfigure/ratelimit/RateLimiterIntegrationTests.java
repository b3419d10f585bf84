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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.autoconfigure.cache.ClusterCacheAutoConfiguration;
import dev.slotwise.autoconfigure.buffer.WriteBufferAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.key.CrossSlotException;
import dev.slotwise.ratelimit.RateLimitDecision;
import dev.slotwise.ratelimit.RateLimitScripts;
import dev.slotwise.ratelimit.RateLimiter;
import dev.slotwise.support.LettuceCommands;
import dev.slotwise.support.ScriptRunner;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Two application contexts, configured by properties alone, share one limit on a real
 * cluster: together they allow exactly its permits. An application's script bean replaces
 * an algorithm's script, and runs under the same same-slot check.
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

	@Test
	void anApplicationsScriptBeanReplacesTheFixedWindowScriptOnTheCluster(LocalRedisCluster cluster) {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty())
			.withUserConfiguration(AlwaysAllowFixedWindow.class)
			.run((context) -> {
				RateLimiter limiter = context.getBean(RateLimiter.class);
				for (int i = 0; i < 50; i++) {
					RateLimitDecision decision = limiter.tryAcquire("customer-10", "orders");
					assertThat(decision.allowed()).as("call %d of 50 under permits of 40", i + 1).isTrue();
					assertThat(decision.limit()).as("the replacement's answer").isEqualTo(1000);
					assertThat(decision.degraded()).isFalse();
				}
				String state = limiter.keysFor("customer-10", "orders").get(0);
				StringRedisTemplate redis = new StringRedisTemplate(context.getBean(RedisConnectionFactory.class));
				assertThat(redis.opsForValue().get(state)).as("written by the replacement on the subject's master")
					.isEqualTo("50");
			});
	}

	@Test
	void aReplacementScriptWhoseKeysSpanSlotsIsStoppedBeforeItRuns(LocalRedisCluster cluster) {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty())
			.withUserConfiguration(AlwaysAllowFixedWindow.class)
			.run((context) -> {
				@SuppressWarnings("rawtypes")
				RedisScript<List> replacement = context.getBean(RateLimitScripts.FIXED_WINDOW_BEAN_NAME,
						RedisScript.class);
				ClusterKeys keys = context.getBean(ClusterKeys.class);
				List<String> spanning = List.of("ratelimit:{a}:orders:fw", "ratelimit:{b}:orders:quota");
				assertThat(keys.slot(spanning.get(0))).isNotEqualTo(keys.slot(spanning.get(1)));
				RedisConnectionFactory factory = context.getBean(RedisConnectionFactory.class);
				try (RedisConnection connection = factory.getConnection()) {
					assertThatExceptionOfType(CrossSlotException.class)
						.isThrownBy(() -> new ScriptRunner(keys).run(LettuceCommands.async(connection), replacement,
								spanning.stream().map((key) -> key.getBytes(StandardCharsets.UTF_8)).toList()))
						.withMessageContaining("'ratelimit:{a}:orders:fw' -> slot " + keys.slot(spanning.get(0)))
						.withMessageContaining("'ratelimit:{b}:orders:quota' -> slot " + keys.slot(spanning.get(1)));
				}
				StringRedisTemplate redis = new StringRedisTemplate(factory);
				assertThat(redis.hasKey(spanning.get(0))).as("nothing ran").isFalse();
			});
	}

	/** A fixed window that counts but never denies: an application's replacement. */
	@Configuration(proxyBeanMethods = false)
	static class AlwaysAllowFixedWindow {

		@Bean(RateLimitScripts.FIXED_WINDOW_BEAN_NAME)
		@SuppressWarnings("rawtypes")
		RedisScript<List> countingFixedWindow() {
			return RedisScript.of("""
					local count = redis.call('INCR', KEYS[1])
					redis.call('PEXPIRE', KEYS[1], ARGV[2])
					return {1, 1000 - count, 0, tonumber(ARGV[2]), 1000}
					""", List.class);
		}

	}

}
