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

package dev.slotwise.key;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClusterKeys#slot(byte[])} and {@link ClusterKeys#slot(String)} give the slot
 * that {@code CLUSTER KEYSLOT} gives on a real node, for every kind of key.
 */
@LocalRedisClusterTest
class SlotParityIntegrationTests {

	private static final String[] EDGE_CASES = { "{}", "{{a}}", "a{b}c{d}", "{", "}", "}{", "{}a", "a{}", "{a}", "a{b",
			"a}b{", "{}{a}", "{{}}", "{a}{}", "", "foo{}{bar}", "foo{{bar}}zap", "{\u00e9}", "x{\ud83d\ude80}y" };

	private final ClusterKeys keys = new ClusterKeys();

	@Test
	void everyKindOfKeyHashesToTheSlotRedisReports(LocalRedisCluster cluster) {
		List<byte[]> samples = samples(new Random(20261125L));
		assertThat(samples).hasSizeGreaterThanOrEqualTo(10_000);
		ClusterNode node = cluster.masters().get(0);
		RedisClient client = RedisClient.create(RedisURI.create("redis://" + node.address()));
		try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
			connection.setAutoFlushCommands(false);
			List<RedisFuture<Long>> answers = new ArrayList<>(samples.size());
			for (byte[] key : samples) {
				answers.add(connection.async().clusterKeyslot(key));
			}
			connection.flushCommands();
			assertThat(LettuceFutures.awaitAll(30, TimeUnit.SECONDS, answers.toArray(new RedisFuture[0]))).isTrue();
			List<String> mismatches = new ArrayList<>();
			for (int i = 0; i < samples.size(); i++) {
				long redis = answers.get(i).toCompletableFuture().join();
				if (this.keys.slot(samples.get(i)) != redis) {
					mismatches.add(ClusterKeys.display(samples.get(i)) + ": ours " + this.keys.slot(samples.get(i))
							+ ", Redis " + redis);
				}
			}
			assertThat(mismatches).isEmpty();
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void textKeysAreHashedAsUtf8(LocalRedisCluster cluster) {
		ClusterNode node = cluster.masters().get(0);
		RedisClient client = RedisClient.create(RedisURI.create("redis://" + node.address()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			for (String key : List.of("caf\u00e9", "\u6771\u4eac:{\u5927\u962a}", "\ud83d\ude80{\ud83d\ude80}",
					"plain")) {
				assertThat(this.keys.slot(key)).as(key).isEqualTo(connection.sync().clusterKeyslot(key).intValue());
			}
		}
		finally {
			client.shutdown();
		}
	}

	private static List<byte[]> samples(Random random) {
		List<byte[]> samples = new ArrayList<>();
		for (String edge : EDGE_CASES) {
			samples.add(edge.getBytes(StandardCharsets.UTF_8));
		}
		String alphabet = "abcXYZ019:{}_-\u00e9\u00df\u6771\u4eac\ud83d\ude80";
		int[] codePoints = alphabet.codePoints().toArray();
		for (int i = 0; i < 4000; i++) {
			StringBuilder key = new StringBuilder();
			int length = random.nextInt(16);
			for (int j = 0; j < length; j++) {
				key.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
			}
			samples.add(key.toString().getBytes(StandardCharsets.UTF_8));
		}
		for (int i = 0; i < 3000; i++) {
			byte[] key = new byte[random.nextInt(24)];
			random.nextBytes(key);
			samples.add(key);
		}
		for (int i = 0; i < 3000; i++) {
			// Binary keys around hash tags: braces at random places with random bytes
			// between.
			byte[] key = new byte[2 + random.nextInt(12)];
			random.nextBytes(key);
			key[random.nextInt(key.length)] = '{';
			key[random.nextInt(key.length)] = '}';
			samples.add(key);
		}
		return samples;
	}

}
