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

package dev.slotwise.autoconfigure.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * Explains cluster connection settings that stop the application from starting: no nodes,
 * a malformed node address, an unknown read-from value. Invalid Slotwise values are
 * reported by Boot's analyzer for
 * {@link org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException}.
 */
class ClusterConfigurationFailureAnalyzer implements FailureAnalyzer {

	static final String NODES = "spring.data.redis.cluster.nodes";

	static final String READ_FROM = "spring.data.redis.lettuce.read-from";

	private static final String READ_FROM_VALUES = "upstream (the default), upstreamPreferred, replica, "
			+ "replicaPreferred, lowestLatency, any, anyReplica, regex:<pattern> or subnet:<cidr>[,<cidr>...]";

	private final Environment environment;

	ClusterConfigurationFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ClusterNodesMissingException) {
				return new FailureAnalysis(
						"Slotwise needs the nodes of a Redis Cluster, but " + NODES
								+ " is not set, so Spring Boot would connect to a single standalone server.",
						"Set " + NODES + " to some or all of the cluster's nodes as host:port, for example '" + NODES
								+ "=redis-0:6379,redis-1:6379,redis-2:6379'. To use Spring Boot's Redis support "
								+ "without Slotwise's cluster tuning, set slotwise.cluster.enabled=false.",
						cause);
			}
			if ((cause instanceof NumberFormatException || cause instanceof IndexOutOfBoundsException)
					&& thrownFrom(cause, "PropertiesDataRedisConnectionDetails")) {
				return malformedNodes(cause);
			}
			if (cause instanceof IllegalArgumentException && thrownFrom(cause, "io.lettuce.core.ReadFrom")) {
				String value = this.environment.getProperty(READ_FROM);
				return new FailureAnalysis(
						READ_FROM + " is '" + value + "', which is not a read-from setting Lettuce knows.",
						"Set " + READ_FROM + " to one of: " + READ_FROM_VALUES
								+ ". Keep the default (upstream) for caches that must read their own writes.",
						cause);
			}
		}
		return null;
	}

	private FailureAnalysis malformedNodes(Throwable cause) {
		List<String> nodes = Binder.get(this.environment).bind(NODES, Bindable.listOf(String.class)).orElse(List.of());
		List<String> bad = new ArrayList<>();
		for (String node : nodes) {
			String problem = problem(node);
			if (problem != null) {
				bad.add("'" + node + "' (" + problem + ")");
			}
		}
		String which = bad.isEmpty() ? "an entry" : String.join(", ", bad);
		return new FailureAnalysis(NODES + " has a malformed node address: " + which + ".",
				"Write every node as host:port with a port from 1 to 65535, separated by commas, for example '" + NODES
						+ "=10.0.0.1:6379,10.0.0.2:6379'.",
				cause);
	}

	static @Nullable String problem(String node) {
		int colon = node.lastIndexOf(':');
		if (colon <= 0) {
			return "no ':port'";
		}
		try {
			int port = Integer.parseInt(node.substring(colon + 1).trim());
			return (port < 1 || port > 65535) ? "port " + port + " is outside 1..65535" : null;
		}
		catch (NumberFormatException ex) {
			return "port '" + node.substring(colon + 1) + "' is not a number";
		}
	}

	private static boolean thrownFrom(Throwable cause, String className) {
		return Arrays.stream(cause.getStackTrace())
			.limit(12)
			.anyMatch((frame) -> frame.getClassName().contains(className));
	}

}
