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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The native async cluster commands of a connection factory, for callers on the request
 * path (the cache's reads, the write buffer's direct writes, the rate limiter). Spring
 * Data's {@code getConnection()} builds a connection wrapper for every call (with a
 * logger lookup): JDK Flight Recorder put a tenth of the callers' samples there, in the
 * cache and the limiter alike; when the factory shares one native connection, as it does
 * by default (and does not validate it on every use), the wrapper adds nothing, so the
 * shared connection's commands are kept and used directly until that connection closes (a
 * factory reset or stop), then fetched again. A factory that hands out dedicated
 * connections gets one per call, closed after it, as before.
 *
 * <p>
 * Thread-safe.
 */
public final class SharedCommands {

	private final RedisConnectionFactory connectionFactory;

	private volatile @Nullable RedisAdvancedClusterAsyncCommands<byte[], byte[]> shared;

	/**
	 * Create the commands of a connection factory.
	 * @param connectionFactory a Lettuce cluster connection factory
	 */
	public SharedCommands(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
	}

	/**
	 * Run an action with the commands. It must finish with the commands (wait for the
	 * replies it needs) before it returns: a dedicated connection is closed then.
	 * @param <T> the action's result
	 * @param action the action
	 * @return its result
	 * @throws IllegalStateException if the factory's connections are not Lettuce cluster
	 * connections
	 */
	public <T> T apply(Function<RedisAdvancedClusterAsyncCommands<byte[], byte[]>, T> action) {
		RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands = this.shared;
		if (commands != null && commands.getStatefulConnection().isOpen()) {
			return action.apply(commands);
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			commands = LettuceCommands.async(connection);
			this.shared = sharesNativeConnection() ? commands : null;
			return action.apply(commands);
		}
	}

	/**
	 * Run an action that completes later with the commands, without waiting for it when
	 * the factory shares its native connection (Spring Data's default): the action's
	 * future is returned as it is. A factory that hands out dedicated connections opens
	 * one for the call, which blocks anyway; the call then waits for the action's reply
	 * before it closes that connection, as {@link #apply} does, and returns it completed.
	 * @param <T> the action's result
	 * @param action the action
	 * @return its result, completed on Lettuce's I/O thread when not waited for
	 * @throws IllegalStateException if the factory's connections are not Lettuce cluster
	 * connections
	 */
	public <T> CompletableFuture<T> applyAsync(
			Function<RedisAdvancedClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> action) {
		RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands = this.shared;
		if (commands != null && commands.getStatefulConnection().isOpen()) {
			return action.apply(commands);
		}
		if (sharesNativeConnection()) {
			// Closing the wrapper leaves the shared native connection open.
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				commands = LettuceCommands.async(connection);
				this.shared = commands;
			}
			return action.apply(commands);
		}
		try {
			return CompletableFuture.completedFuture(apply((dedicated) -> action.apply(dedicated).join()));
		}
		catch (CompletionException ex) {
			return CompletableFuture.failedFuture((ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	private boolean sharesNativeConnection() {
		// A factory that validates its shared connection on every use keeps doing so.
		return this.connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.getShareNativeConnection()
				&& !lettuce.getValidateConnection();
	}

}
