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

package dev.slotwise.test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.jspecify.annotations.Nullable;

/**
 * Sends the administrative commands that build and operate a test cluster, one short
 * connection per call so that a killed node leaves nothing reconnecting behind.
 */
final class ClusterAdmin implements AutoCloseable {

	private final ClientResources resources;

	private final RedisClient client;

	private final @Nullable Credentials credentials;

	private final boolean tls;

	private final Duration timeout;

	private final UnaryOperator<ClusterNode> direct;

	ClusterAdmin(@Nullable Credentials credentials, @Nullable SslOptions sslOptions, Duration timeout) {
		this(credentials, sslOptions, timeout, UnaryOperator.identity());
	}

	/**
	 * An admin that reaches each node at the address {@code direct} gives, for example
	 * around a network-fault proxy, so that administration is never faulted.
	 */
	ClusterAdmin(@Nullable Credentials credentials, @Nullable SslOptions sslOptions, Duration timeout,
			UnaryOperator<ClusterNode> direct) {
		this.direct = direct;
		this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
		this.client = RedisClient.create(this.resources);
		ClientOptions.Builder options = ClientOptions.builder()
			.autoReconnect(false)
			.socketOptions(SocketOptions.builder().connectTimeout(timeout).build());
		if (sslOptions != null) {
			options.sslOptions(sslOptions);
		}
		this.client.setOptions(options.build());
		this.credentials = credentials;
		this.tls = sslOptions != null;
		this.timeout = timeout;
	}

	<T> T call(ClusterNode node, Function<RedisCommands<String, String>, T> command) {
		ClusterNode address = this.direct.apply(node);
		RedisURI.Builder uri = RedisURI.builder()
			.withHost(address.host())
			.withPort(address.port())
			.withSsl(this.tls)
			.withTimeout(this.timeout);
		if (this.credentials != null) {
			if (this.credentials.username() != null) {
				uri.withAuthentication(this.credentials.username(), this.credentials.password());
			}
			else {
				uri.withPassword(this.credentials.password().toCharArray());
			}
		}
		try (StatefulRedisConnection<String, String> connection = this.client.connect(uri.build())) {
			return command.apply(connection.sync());
		}
	}

	boolean answers(ClusterNode node) {
		try {
			return "PONG".equals(call(node, RedisCommands::ping));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	void meet(ClusterNode from, InternalAddress to) {
		call(from, (commands) -> commands.dispatch(CommandType.CLUSTER, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("MEET").add(to.host()).add(to.port()).add(to.busPort())));
	}

	void addSlots(ClusterNode master, int from, int to) {
		call(master, (commands) -> commands.clusterAddSlotsRange(Range.create(from, to)));
	}

	Partitions view(ClusterNode node) {
		String nodes = call(node, RedisCommands::clusterNodes);
		return ClusterPartitionParser.parse(nodes);
	}

	Map<String, String> info(ClusterNode node, String section) {
		return parseInfo(call(node, (commands) -> commands.info(section)));
	}

	Map<String, String> clusterInfo(ClusterNode node) {
		return parseInfo(call(node, RedisCommands::clusterInfo));
	}

	void migrate(ClusterNode source, InternalAddress target, List<String> keys) {
		MigrateArgs<String> args = MigrateArgs.Builder.keys(keys);
		if (this.credentials != null) {
			if (this.credentials.username() != null) {
				args.auth2(this.credentials.username(), this.credentials.password());
			}
			else {
				args.auth(this.credentials.password());
			}
		}
		call(source, (commands) -> commands.migrate(target.host(), target.port(), 0, this.timeout.toMillis(), args));
	}

	static Map<String, String> parseInfo(String info) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : info.split("\\r?\\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				values.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
			}
		}
		return values;
	}

	@Override
	public void close() {
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		this.resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
	}

	/**
	 * Credentials for the admin connection and for MIGRATE.
	 *
	 * @param username the ACL user, or {@code null} for {@code requirepass}
	 * @param password the password
	 */
	record Credentials(@Nullable String username, String password) {
	}

	/**
	 * A node's address as the other nodes see it (cluster bus and MIGRATE target).
	 *
	 * @param host the host
	 * @param port the client port
	 * @param busPort the cluster bus port
	 */
	record InternalAddress(String host, int port, int busPort) {
	}

}
