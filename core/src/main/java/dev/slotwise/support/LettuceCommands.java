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

import java.util.Optional;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The one place Slotwise reaches below Spring Data Redis to Lettuce: the native async
 * cluster commands of a connection, and the cluster client of a connection factory.
 * Spring Data's {@code LettuceClusterConnection} hands out its shared connection's async
 * commands as {@link RedisConnection#getNativeConnection()}; every caller that needs to
 * pipeline, wait with its own timeout or read the client's routing goes through here, so
 * the unchecked cast is written once and a connection of another kind fails with a
 * message that says what was found.
 */
public final class LettuceCommands {

	private LettuceCommands() {
	}

	/**
	 * The native async cluster commands behind a Spring Data connection. Commands sent on
	 * them are pipelined on the connection's shared channels and complete on Lettuce's
	 * I/O threads.
	 * @param connection a connection from a {@link LettuceConnectionFactory} configured
	 * for a cluster
	 * @return the async commands
	 * @throws IllegalStateException if the connection is not a Lettuce cluster connection
	 */
	@SuppressWarnings("unchecked")
	public static RedisAdvancedClusterAsyncCommands<byte[], byte[]> async(RedisConnection connection) {
		Object nativeConnection = connection.getNativeConnection();
		if (nativeConnection instanceof RedisAdvancedClusterAsyncCommands<?, ?> commands) {
			return (RedisAdvancedClusterAsyncCommands<byte[], byte[]>) commands;
		}
		throw new IllegalStateException("Slotwise needs a Lettuce Redis Cluster connection, but the connection "
				+ "factory handed out " + describe(nativeConnection)
				+ "; configure spring.data.redis.cluster.nodes and use Spring Boot's Lettuce client");
	}

	/**
	 * The stateful cluster connection behind a Spring Data connection: its routing
	 * ({@code getPartitions()}) and its connections to single nodes.
	 * @param connection a connection from a Lettuce cluster connection factory
	 * @return the stateful connection
	 * @throws IllegalStateException if the connection is not a Lettuce cluster connection
	 */
	public static StatefulRedisClusterConnection<byte[], byte[]> stateful(RedisConnection connection) {
		return async(connection).getStatefulConnection();
	}

	/**
	 * The Lettuce cluster client of a connection factory, once the factory has started.
	 * @param connectionFactory the connection factory
	 * @return the client, or empty for another kind of factory or one not started yet
	 */
	public static Optional<RedisClusterClient> client(RedisConnectionFactory connectionFactory) {
		if (connectionFactory instanceof LettuceConnectionFactory lettuce
				&& lettuce.getNativeClient() instanceof RedisClusterClient client) {
			return Optional.of(client);
		}
		return Optional.empty();
	}

	private static String describe(Object nativeConnection) {
		return (nativeConnection != null) ? nativeConnection.getClass().getName() : "no native connection";
	}

}
