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

import java.util.Objects;
import java.util.function.Function;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The native async commands of a connection factory's shared cluster connection, for
 * callers on the request path that make one command per call. Spring Data's
 * {@link RedisConnectionFactory#getConnection()} builds a new connection wrapper on each
 * call (with a logger lookup in its constructor): measured with JDK Flight Recorder, a
 * tenth of the rate limiter's own time went there. Here the commands are fetched once,
 * and again only after the shared connection has closed (the factory was reset or
 * stopped).
 *
 * <p>
 * A factory that does not share its native connection, or validates it before each use,
 * is asked for a connection on every call, as such a factory expects.
 */
public final class SharedCommands {

	private final RedisConnectionFactory connectionFactory;

	private final boolean shared;

	private volatile @Nullable RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands;

	/**
	 * Create the accessor.
	 * @param connectionFactory a Lettuce cluster connection factory
	 */
	public SharedCommands(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		this.shared = connectionFactory instanceof LettuceConnectionFactory lettuce
				&& lettuce.getShareNativeConnection() && !lettuce.getValidateConnection();
	}

	/**
	 * Use the commands: on the shared connection when the factory shares one, otherwise
	 * on a connection of its own that is closed when {@code use} returns (so {@code use}
	 * waits for its replies).
	 * @param <T> what {@code use} answers
	 * @param use what to do with the commands
	 * @return what {@code use} answered
	 * @throws IllegalStateException if the factory does not hand out Lettuce cluster
	 * connections
	 */
	public <T> T apply(Function<RedisAdvancedClusterAsyncCommands<byte[], byte[]>, T> use) {
		if (!this.shared) {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				return use.apply(LettuceCommands.async(connection));
			}
		}
		RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands = this.commands;
		if (commands == null || !commands.getStatefulConnection().isOpen()) {
			// The wrapper's close() leaves a shared native connection open.
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				commands = LettuceCommands.async(connection);
			}
			this.commands = commands;
		}
		return use.apply(commands);
	}

}
