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

package dev.slotwise;

import java.time.Duration;
import java.util.Collection;

import dev.slotwise.cluster.FailoverTuning;
import dev.slotwise.test.LocalRedisCluster;
import io.lettuce.core.cluster.ClusterClientOptions;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Started connection factories to a test cluster, the one set-up that core's integration
 * tests share. Callers destroy what they get.
 */
public final class ClusterConnections {

	private ClusterConnections() {
	}

	/**
	 * A connection factory tuned for failover as the starter tunes it (adaptive topology
	 * refresh, keep-alive, short timeouts), with the given command timeout.
	 * @param cluster the cluster
	 * @param commandTimeout the command timeout
	 * @return the started factory
	 */
	public static LettuceConnectionFactory tuned(LocalRedisCluster cluster, Duration commandTimeout) {
		return tuned(cluster.seedAddresses(), commandTimeout);
	}

	/**
	 * A connection factory tuned for failover, from seed addresses (for a process that
	 * has no {@link LocalRedisCluster}, such as a child JVM).
	 * @param seedAddresses {@code host:port} of some nodes
	 * @param commandTimeout the command timeout
	 * @return the started factory
	 */
	public static LettuceConnectionFactory tuned(Collection<String> seedAddresses, Duration commandTimeout) {
		ClusterClientOptions.Builder options = ClusterClientOptions.builder();
		FailoverTuning tuning = FailoverTuning.builder().commandTimeout(commandTimeout).build();
		tuning.applyTo(options);
		return started(seedAddresses,
				LettuceClientConfiguration.builder()
					.clientOptions(options.build())
					.commandTimeout(tuning.commandTimeout())
					.build());
	}

	/**
	 * A connection factory with Lettuce's own client options and the given command
	 * timeout.
	 * @param cluster the cluster
	 * @param commandTimeout the command timeout
	 * @return the started factory
	 */
	public static LettuceConnectionFactory plain(LocalRedisCluster cluster, Duration commandTimeout) {
		return started(cluster.seedAddresses(),
				LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
	}

	private static LettuceConnectionFactory started(Collection<String> seedAddresses,
			LettuceClientConfiguration configuration) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisClusterConfiguration(seedAddresses),
				configuration);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
