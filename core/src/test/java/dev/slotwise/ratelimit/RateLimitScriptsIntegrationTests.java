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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.slotwise.ClusterConnections;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.support.ScriptRunner;
import dev.slotwise.support.SharedCommands;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped scripts asked for several permits ({@code ARGV[4]}) on a real cluster: they
 * grant as many as fit and say so in the first element of the reply; without
 * {@code ARGV[4]} they grant one, as replacements written before it expect.
 */
@LocalRedisClusterTest
class RateLimitScriptsIntegrationTests {

	private final ClusterKeys keys = new ClusterKeys();

	private LettuceConnectionFactory factory;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		this.factory = ClusterConnections.tuned(cluster, Duration.ofSeconds(2));
	}

	@AfterEach
	void disconnect() {
		this.factory.destroy();
	}

	/** Ten permits that do not recover within the test. */
	private static RateLimit tenPermits(RateLimit.Algorithm algorithm) {
		return switch (algorithm) {
			case FIXED_WINDOW -> RateLimit.fixedWindow(10, Duration.ofSeconds(60));
			case SLIDING_WINDOW -> RateLimit.slidingWindow(10, Duration.ofSeconds(60));
			case TOKEN_BUCKET -> RateLimit.tokenBucket(1, Duration.ofHours(1), 10);
			case GCRA -> RateLimit.gcra(1, Duration.ofHours(1), 10);
		};
	}

	/** The script's reply as numbers: granted, remaining, retry, reset, limit. */
	private List<Long> run(RateLimit.Algorithm algorithm, String subject, String... asked) {
		RateLimit limit = tenPermits(algorithm);
		List<byte[]> scriptKeys = List.of(bytes("scripts:{" + subject + "}:state"),
				bytes("scripts:{" + subject + "}:quota"));
		byte[][] args = new byte[3 + asked.length][];
		args[0] = bytes(Long.toString(limit.permits()));
		args[1] = bytes(Long.toString(limit.window().toMillis()));
		args[2] = bytes(Long.toString(limit.burst()));
		for (int i = 0; i < asked.length; i++) {
			args[3 + i] = bytes(asked[i]);
		}
		List<?> reply = new SharedCommands(
				this.factory)
			.apply((commands) -> new ScriptRunner(this.keys)
				.run(commands, RateLimitScripts.defaultScript(algorithm),
						(algorithm == RateLimit.Algorithm.FIXED_WINDOW) ? scriptKeys : scriptKeys.subList(0, 1), args)
				.join());
		return reply.stream().map((value) -> (Long) value).toList();
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	@ParameterizedTest
	@EnumSource(RateLimit.Algorithm.class)
	void aScriptGrantsAsManyOfThePermitsAskedAsFit(RateLimit.Algorithm algorithm) {
		String subject = "partial-" + algorithm;
		List<Long> four = run(algorithm, subject, "4");
		assertThat(four.subList(0, 3)).as("granted, remaining, retry after 4 of 10").containsExactly(4L, 6L, 0L);
		assertThat(four.get(3)).as("reset after").isPositive();
		assertThat(four.get(4)).as("limit").isEqualTo(10);
		List<Long> ten = run(algorithm, subject, "10");
		assertThat(ten.subList(0, 2)).as("granted, remaining: the 6 left of 10 asked").containsExactly(6L, 0L);
		assertThat(ten.get(2)).as("retry after, since not all were granted").isPositive();
		List<Long> one = run(algorithm, subject, "1");
		assertThat(one.subList(0, 2)).as("none left").containsExactly(0L, 0L);
		assertThat(one.get(2)).isPositive();
	}

	@ParameterizedTest
	@EnumSource(RateLimit.Algorithm.class)
	void withoutThePermitsAskedAScriptGrantsOne(RateLimit.Algorithm algorithm) {
		String subject = "single-" + algorithm;
		List<Long> first = run(algorithm, subject);
		assertThat(first.subList(0, 3)).containsExactly(1L, 9L, 0L);
		for (int i = 0; i < 9; i++) {
			assertThat(run(algorithm, subject).get(0)).isEqualTo(1);
		}
		List<Long> denied = run(algorithm, subject);
		assertThat(denied.subList(0, 2)).containsExactly(0L, 0L);
		assertThat(denied.get(2)).isPositive();
		assertThat(Arrays.asList(denied.get(3), denied.get(4))).allSatisfy((value) -> assertThat(value).isPositive());
	}

}
