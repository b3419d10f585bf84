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

package dev.slotwise.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.slotwise.ClusterConnections;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SharedCommands} on a real cluster: the shared native connection's commands are
 * kept across calls, fetched again once the factory resets that connection, and never
 * kept from a factory that hands out dedicated connections.
 */
@LocalRedisClusterTest
class SharedCommandsIntegrationTests {

	private static final byte[] KEY = "shared:{1}:key".getBytes(StandardCharsets.UTF_8);

	private LettuceConnectionFactory connectionFactory;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		this.connectionFactory = ClusterConnections.tuned(cluster, Duration.ofSeconds(2));
	}

	@AfterEach
	void disconnect() {
		this.connectionFactory.destroy();
	}

	@Test
	void theSharedConnectionsCommandsAreKeptUntilItCloses() {
		SharedCommands shared = new SharedCommands(this.connectionFactory);
		RedisAdvancedClusterAsyncCommands<byte[], byte[]> first = shared.apply((commands) -> commands);
		RedisAdvancedClusterAsyncCommands<byte[], byte[]> again = shared.apply((commands) -> commands);
		assertThat(again).isSameAs(first);
		this.connectionFactory.resetConnection();
		assertThat(first.getStatefulConnection().isOpen()).isFalse();
		RedisAdvancedClusterAsyncCommands<byte[], byte[]> second = shared.apply((commands) -> commands);
		assertThat(second).isNotSameAs(first);
		assertThat(second.getStatefulConnection().isOpen()).isTrue();
		String reply = shared.apply((commands) -> set(commands, "after a reset"));
		assertThat(reply).isEqualTo("OK");
	}

	@Test
	void dedicatedConnectionsAreNotKept() {
		this.connectionFactory.setShareNativeConnection(false);
		SharedCommands dedicated = new SharedCommands(this.connectionFactory);
		RedisAdvancedClusterAsyncCommands<byte[], byte[]> first = dedicated.apply((commands) -> {
			assertThat(set(commands, "dedicated")).isEqualTo("OK");
			return commands;
		});
		assertThat(first.getStatefulConnection().isOpen()).as("closed after the call").isFalse();
		RedisAdvancedClusterAsyncCommands<byte[], byte[]> second = dedicated.apply((commands) -> commands);
		assertThat(second).isNotSameAs(first);
	}

	private static String set(RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands, String value) {
		try {
			return commands.set(KEY, value.getBytes(StandardCharsets.UTF_8)).get(2, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
